using System.Collections.Concurrent;
using System.Management.Automation;
using VmMigration.Execution;

namespace VmMigration.Commands
{
    /// <summary>Evacuation events into an -AsJob job's streams (Receive-Job shows the results, errors and progress).</summary>
    internal sealed class JobEvacuationObserver : IEvacuationObserver
    {
        private readonly Job job;
        private readonly int hostActivityId;
        private readonly string hostName;
        private readonly ConcurrentDictionary<string, int> activityIds = new ConcurrentDictionary<string, int>();

        public JobEvacuationObserver(Job job, int hostActivityId, string hostName)
        {
            this.job = job;
            this.hostActivityId = hostActivityId;
            this.hostName = hostName;
        }

        public void MoveProgress(MigrationProgress progress)
        {
            var id = activityIds.GetOrAdd(progress.VMName, _ => hostActivityId + 1 + activityIds.Count);
            job.Progress.Add(MigrationProgressWriter.ToRecord(progress, id, hostActivityId));
        }

        public void VMFinished(MigrationResult result)
        {
            job.Output.Add(PSObject.AsPSObject(result));
            if (result.Status == MigrationStatus.Failed || result.Status == MigrationStatus.Aborted)
            {
                job.Error.Add(EvacuationErrors.ForResult(result));
            }
        }

        public void HostProgress(int done, int total) =>
            job.Progress.Add(new ProgressRecord(hostActivityId, $"Evacuating {hostName}", $"{done} of {total} VMs moved") { PercentComplete = total == 0 ? 100 : done * 100 / total });

        public void Warning(string message) => job.Warning.Add(new WarningRecord(message));
    }
}
