using VmMigration.Execution.Live;
namespace VmMigration.Execution.Evacuation
{
    /// <summary>What an evacuation reports while it runs. Called from worker threads: implementations queue, never write.</summary>
    public interface IEvacuationObserver
    {
        void MoveProgress(MigrationProgress progress);

        /// <summary>One VM's outcome, as soon as it is known (moved, failed, skipped or not started, with the reason).</summary>
        void VMFinished(MigrationResult result);

        /// <summary>The whole drain: VMs done so far out of all.</summary>
        void HostProgress(int done, int total);

        void Warning(string message);
    }
}
