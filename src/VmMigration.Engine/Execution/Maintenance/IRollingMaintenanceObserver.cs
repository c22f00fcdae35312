using VmMigration.Execution.Live;
namespace VmMigration.Execution.Maintenance
{
    /// <summary>What a rolling maintenance reports while it runs. Called from worker threads: implementations queue, never write.</summary>
    public interface IRollingMaintenanceObserver
    {
        /// <summary>The host in hand enters a phase; <paramref name="hostsFinished"/> of <paramref name="hostCount"/> hosts are finished.</summary>
        void PhaseStarted(string hostName, MaintenancePhase phase, int hostsFinished, int hostCount);

        /// <summary>A move in flight (a drain's or a failback's).</summary>
        void MoveProgress(MigrationProgress progress);

        /// <summary>The drain of the host in hand: VMs moved so far out of all.</summary>
        void DrainProgress(string hostName, int done, int total);

        /// <summary>One host's outcome, as soon as it is known.</summary>
        void HostFinished(HostMaintenanceResult result);

        void Warning(string message);
    }
}
