using System.Collections.Concurrent;
using System.Management.Automation;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
namespace VmMigration.Commands
{
    /// <summary>
    /// Turns evacuation events (raised on worker threads) into pipeline writes, queued through the pump: a result per VM
    /// as it finishes, an error for each one that failed, a parent progress record for the host and a child per move.
    /// </summary>
    internal sealed class PipelineEvacuationObserver : IEvacuationObserver
    {
        private readonly PipelinePump pump;
        private readonly int hostActivityId;
        private readonly string hostName;
        private readonly bool azureDevOps;
        /// <summary>What the parent progress record calls the run ("Evacuating lab1", "Balancing lab1, lab2").</summary>
        private readonly string activity;
        private readonly ConcurrentDictionary<string, MigrationProgressWriter> moves = new ConcurrentDictionary<string, MigrationProgressWriter>();
        private int nextActivityId;

        public PipelineEvacuationObserver(PipelinePump pump, int hostActivityId, string hostName, bool azureDevOps, string? activity = null)
        {
            this.pump = pump;
            this.hostActivityId = hostActivityId;
            this.hostName = hostName;
            this.azureDevOps = azureDevOps;
            this.activity = activity ?? $"Evacuating {hostName}";
            nextActivityId = hostActivityId;
        }

        public void MoveProgress(MigrationProgress progress)
        {
            var writer = moves.GetOrAdd(progress.VMName, _ => new MigrationProgressWriter(pump, System.Threading.Interlocked.Increment(ref nextActivityId), hostActivityId));
            writer.Report(progress);
        }

        public void VMFinished(MigrationResult result)
        {
            pump.Post(cmdlet =>
            {
                if (cmdlet.WriteResult(result) && azureDevOps)
                {
                    cmdlet.Host.UI.WriteLine(AzureDevOps.LogError($"{result.VMName}: {result.Status} ({result.ErrorId}) {result.Message}"));
                }
            });
        }

        public void HostProgress(int done, int total)
        {
            var percent = total == 0 ? 100 : done * 100 / total;
            pump.Post(cmdlet =>
            {
                cmdlet.WriteProgress(new ProgressRecord(hostActivityId, activity, $"{done} of {total} VMs moved") { PercentComplete = percent });
                if (azureDevOps)
                {
                    cmdlet.Host.UI.WriteLine(AzureDevOps.SetProgress(percent, activity));
                }
            });
        }

        public void Warning(string message) => pump.Post(cmdlet => cmdlet.WriteWarning(message));
    }
}
