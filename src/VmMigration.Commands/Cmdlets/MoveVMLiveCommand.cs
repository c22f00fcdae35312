using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// Live-migrates running VMs without downtime beyond -MaxDowntimeMs; each move finishes within -TimeoutSec or is
    /// aborted with the VM still running on its source. Several VMs run one after another; a failed VM does not stop the rest.
    /// </summary>
    [Cmdlet(VerbsCommon.Move, "VMLive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = "https://vmmigration.invalid/help/Move-VMLive")]
    [OutputType(typeof(MigrationResult))]
    public sealed class MoveVMLiveCommand : VmMigrationCmdlet
    {
        private readonly List<LiveMigrationRequest> queuedForJob = new List<LiveMigrationRequest>();
        private int activityId = 1;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference Destination { get; set; } = null!;

        [Parameter]
        public MigrationStrategy Strategy { get; set; } = MigrationStrategy.Auto;

        [Parameter]
        [ValidateRange(1, 60000)]
        public long MaxDowntimeMs { get; set; } = 300;

        /// <summary>0 means unlimited.</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public long BandwidthMBps { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 600;

        /// <summary>No progress for this long aborts the move (a frozen destination, a dead link).</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int StallTimeoutSec { get; set; } = 30;

        /// <summary>Permits the post-copy step, which can lose the VM if the destination dies after the switch.</summary>
        [Parameter]
        public SwitchParameter AllowPostCopy { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ParallelConnections { get; set; } = 1;

        [Parameter]
        [ValidateSet("None", "Zstd", "Zlib")]
        public string Compression { get; set; } = "None";

        [Parameter]
        public SwitchParameter CopyStorage { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolveDestination(Destination);

            foreach (var reference in VM)
            {
                var located = LocateOrReport(reference);
                if (located == null)
                {
                    continue;
                }

                if (!ShouldProcess($"VM '{located.Guest.Name}' on host '{located.Host.Name}'", $"Live-migrate to host '{destination.Name}'"))
                {
                    continue;
                }

                var request = BuildRequest(located, destination);
                if (AsJob)
                {
                    queuedForJob.Add(request);
                }
                else
                {
                    RunNow(request);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (!AsJob || queuedForJob.Count == 0)
            {
                return;
            }
            var requests = queuedForJob.ToArray();
            var job = new EngineJob(MyInvocation.Line, $"Move-VMLive ({requests.Length} VM)", (j, token) =>
            {
                foreach (var request in requests)
                {
                    if (token.IsCancellationRequested)
                    {
                        break;
                    }
                    var id = activityId++;
                    var result = new LiveMigrationJob(request, new SynchronousProgress<MigrationProgress>(p => j.Progress.Add(MigrationProgressWriter.ToRecord(p, id, -1))), PollInterval, Registry.CallTimeout).Run(token);
                    j.Output.Add(PSObject.AsPSObject(result));
                    if (result.Status != MigrationStatus.Succeeded)
                    {
                        j.Error.Add(ToErrorRecord(ResultError(result), result.VMName));
                    }
                }
            });
            JobRepository.Add(job);
            job.Start();
            WriteObject(job);
        }

        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

        private void RunNow(LiveMigrationRequest request)
        {
            var pump = new PipelinePump();
            var progress = new MigrationProgressWriter(pump, activityId++);
            var result = pump.Run(this, () => new LiveMigrationJob(request, progress, PollInterval, Registry.CallTimeout).Run(CancellationToken));
            if (Stopping)
            {
                // The pipeline is being stopped (Ctrl+C): the object stream is closed, but the user must still learn the outcome.
                Host.UI.WriteWarningLine($"{result.VMName}: {result.Status} in {result.Phase}; running on '{result.RunningOn}'. {result.Message}");
                return;
            }
            WriteObject(result);
            if (result.Status != MigrationStatus.Succeeded)
            {
                WriteMigrationError(ResultError(result), result.VMName);
            }
        }

        private static MigrationException ResultError(MigrationResult result) => new MigrationException(
            result.ErrorId ?? ErrorIds.MigrationFailed,
            result.Status == MigrationStatus.Aborted ? ErrorKind.OperationStopped : ErrorKind.InvalidOperation,
            result.Message ?? $"Migration of VM '{result.VMName}' {result.Status}.",
            result.VMName);

        private LiveMigrationRequest BuildRequest(LocatedVM located, ConnectedHost destination) => new LiveMigrationRequest(located, destination)
        {
            Strategy = Strategy,
            MaxDowntimeMs = MaxDowntimeMs,
            BandwidthMBps = BandwidthMBps,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            StallTimeout = TimeSpan.FromSeconds(StallTimeoutSec),
            AllowPostCopy = AllowPostCopy,
            CopyStorage = CopyStorage,
            ParallelConnections = ParallelConnections,
            Compression = Compression,
        };
    }
}
