using System.Collections.Concurrent;
using System.Management.Automation;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
namespace VmMigration.Commands
{
    /// <summary>Evacuation events into an -AsJob job's streams (Receive-Job shows the results, errors and progress).</summary>
    internal sealed class JobEvacuationObserver : IEvacuationObserver
    {
        private readonly EngineJob job;
        private readonly int hostActivityId;
        private readonly string hostName;
        private readonly bool azureDevOps;
        /// <summary>What the parent progress record calls the run ("Evacuating lab1", "Balancing lab1, lab2").</summary>
        private readonly string activity;
        private readonly ConcurrentDictionary<string, int> activityIds = new ConcurrentDictionary<string, int>();

        public JobEvacuationObserver(EngineJob job, int hostActivityId, string hostName, bool azureDevOps, string? activity = null)
        {
            this.job = job;
            this.hostActivityId = hostActivityId;
            this.hostName = hostName;
            this.azureDevOps = azureDevOps;
            this.activity = activity ?? $"Evacuating {hostName}";
        }

        public void MoveProgress(MigrationProgress progress)
        {
            var id = activityIds.GetOrAdd(progress.VMName, _ => hostActivityId + 1 + activityIds.Count);
            job.Progress.Add(MigrationProgressWriter.ToRecord(progress, id, hostActivityId));
        }

        public void VMFinished(MigrationResult result)
        {
            if (job.WriteResult(result) && azureDevOps)
            {
                WriteHostLine(AzureDevOps.LogError($"{result.VMName}: {result.Status} ({result.ErrorId}) {result.Message}"));
            }
        }

        public void HostProgress(int done, int total)
        {
            var percent = total == 0 ? 100 : done * 100 / total;
            job.Progress.Add(new ProgressRecord(hostActivityId, activity, $"{done} of {total} VMs moved") { PercentComplete = percent });
            if (azureDevOps)
            {
                WriteHostLine(AzureDevOps.SetProgress(percent, activity));
            }
        }

        public void Warning(string message) => job.Warning.Add(new WarningRecord(message));

        private void WriteHostLine(string line) => job.WriteHostLine(line, "Invoke-HostEvacuation");
    }
}
