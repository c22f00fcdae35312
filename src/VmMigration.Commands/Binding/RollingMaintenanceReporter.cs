using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Execution.Maintenance;

namespace VmMigration.Commands
{
    /// <summary>
    /// A rolling maintenance's events as records: a result per host as it finishes (and an error with its id when it
    /// failed), a progress record for the run, a child for the host in hand and its phase, a grandchild per move in
    /// flight; with TF_BUILD, ##vso[task.setprogress] for the run and ##vso[task.logissue] per failed host.
    /// </summary>
    internal sealed class RollingMaintenanceReporter : IRollingMaintenanceObserver
    {
        public const int RunActivityId = 1100;
        public const int HostActivityId = 1101;
        private const string Activity = "Rolling maintenance";
        private readonly IRecordSink sink;
        private readonly bool azureDevOps;
        private readonly ConcurrentDictionary<string, int> moveActivityIds = new ConcurrentDictionary<string, int>();
        private int nextMoveActivityId = HostActivityId;

        public RollingMaintenanceReporter(IRecordSink sink, bool azureDevOps)
        {
            this.sink = sink;
            this.azureDevOps = azureDevOps;
        }

        public void PhaseStarted(string hostName, MaintenancePhase phase, int hostsFinished, int hostCount)
        {
            var percent = hostCount == 0 ? 100 : hostsFinished * 100 / hostCount;
            sink.Progress(new ProgressRecord(RunActivityId, Activity, $"{hostsFinished} of {hostCount} hosts finished; now {hostName}") { PercentComplete = percent });
            sink.Progress(new ProgressRecord(HostActivityId, $"Maintenance of {hostName}", Describe(phase)) { ParentActivityId = RunActivityId, CurrentOperation = phase.ToString() });
            if (azureDevOps)
            {
                sink.ConsoleLine(AzureDevOps.SetProgress(percent, $"{Activity}: {hostName}, {phase}"));
            }
        }

        public void MoveProgress(MigrationProgress progress)
        {
            var id = moveActivityIds.GetOrAdd(progress.VMName, _ => Interlocked.Increment(ref nextMoveActivityId));
            sink.Progress(MigrationProgressWriter.ToRecord(progress, id, HostActivityId));
        }

        public void DrainProgress(string hostName, int done, int total) =>
            sink.Progress(new ProgressRecord(HostActivityId, $"Maintenance of {hostName}", $"Draining: {done} of {total} VMs moved")
            {
                ParentActivityId = RunActivityId,
                CurrentOperation = MaintenancePhase.Draining.ToString(),
                PercentComplete = total == 0 ? 100 : done * 100 / total,
            });

        public void HostFinished(HostMaintenanceResult result)
        {
            sink.Object(result);
            if (result.Status != HostMaintenanceStatus.Failed)
            {
                return;
            }
            var kind = result.ErrorId == ErrorIds.MaintenanceStopped ? ErrorKind.OperationStopped
                : result.ErrorId == ErrorIds.HostDidNotReturn ? ErrorKind.OperationTimeout
                : ErrorKind.InvalidOperation;
            sink.Error(new MigrationException(result.ErrorId ?? ErrorIds.MaintenanceScriptFailed, kind, result.Message ?? $"Host '{result.HostName}' failed.", result.HostName), result.HostName);
            if (azureDevOps)
            {
                sink.ConsoleLine(AzureDevOps.LogError($"{result.HostName}: {result.Status} in {result.Phase} ({result.ErrorId}) {result.Message}"));
            }
        }

        public void Warning(string message) => sink.Warning(message);

        private static string Describe(MaintenancePhase phase)
        {
            switch (phase)
            {
                case MaintenancePhase.PreScript: return "Running the pre-script";
                case MaintenancePhase.Draining: return "Entering maintenance, moving its VMs away";
                case MaintenancePhase.Script: return "Running the maintenance script";
                case MaintenancePhase.WaitingForHost: return "Waiting for the host to answer";
                case MaintenancePhase.HealthCheck: return "Checking the host";
                case MaintenancePhase.Failback: return "Leaving maintenance, moving its VMs back";
                case MaintenancePhase.PostScript: return "Running the post-script";
                default: return phase.ToString();
            }
        }
    }
}
