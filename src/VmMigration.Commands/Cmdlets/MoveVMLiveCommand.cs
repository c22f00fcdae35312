using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Execution.Storage;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// Live-migrates running VMs without downtime beyond -MaxDowntimeMs; each move finishes within -TimeoutSec or is
    /// aborted with the VM still running on its source. Several VMs run one after another; a failed VM does not stop the rest.
    /// </summary>
    [Cmdlet(VerbsCommon.Move, "VMLive", DefaultParameterSetName = ByPlan, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationResult))]
    public sealed class MoveVMLiveCommand : VmMigrationCmdlet
    {
        // The plan set is the default on purpose: with two pipeline-by-value sets, PowerShell binds piped input only
        // when the default set is the one that cannot be satisfied by property names (plans would not bind otherwise).
        private const string ByVM = "VM";
        private const string ByPlan = "Plan";
        private const string ByStorage = "Storage";
        private readonly List<Func<IProgress<MigrationProgress>, CancellationToken, MigrationResult>> queuedForJob = new List<Func<IProgress<MigrationProgress>, CancellationToken, MigrationResult>>();
        private int activityId = 1;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByVM)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByStorage)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        /// <summary>The host to move to. With -DestinationStoragePool it may be left out (or name the VM's own host): only the disks move.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByVM)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByStorage)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference? Destination { get; set; }

        /// <summary>The storage pool the VM's disks move into (live, the guest keeps running); on the destination host when -Destination is another host.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByStorage)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
        public string DestinationStoragePool { get; set; } = "";

        /// <summary>The disks (target devices such as vda) to move; all writable file disks when left out.</summary>
        [Parameter(ParameterSetName = ByStorage)]
        [Parameter(ParameterSetName = ByVM)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(DiskNameCompleter))]
        public string[] Disk { get; set; } = Array.Empty<string>();

        /// <summary>Converts the moved disks to this format; they keep their own format when left out.</summary>
        [Parameter(ParameterSetName = ByStorage)]
        [Parameter(ParameterSetName = ByVM)]
        [ValidateSet("qcow2", "raw")]
        public string? DiskFormat { get; set; }

        /// <summary>A plan from Get-MigrationPlan or Import-MigrationPlan: its steps run in order, after a staleness check.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByPlan)]
        public MigrationPlan Plan { get; set; } = null!;

        /// <summary>When the plan no longer fits the hosts, plan again with the same goal instead of refusing with PlanIsStale.</summary>
        [Parameter(ParameterSetName = ByPlan)]
        public SwitchParameter Replan { get; set; }

        /// <summary>The cluster rules the plan was made with, for the staleness check and -Replan.</summary>
        [Parameter(ParameterSetName = ByPlan)]
        [ValidateNotNullOrEmpty]
        public string? RulePath { get; set; }

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

        /// <summary>TLS for the VM's memory and disk streams: Auto (where both hosts can, the result says), Required (or no move), None.</summary>
        [Parameter]
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;

        /// <summary>Permits the post-copy step, which can lose the VM if the destination dies after the switch.</summary>
        [Parameter]
        public SwitchParameter AllowPostCopy { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int ParallelConnections { get; set; } = 1;

        /// <summary>Auto lets the strategy decide (Auto sends re-dirtied pages as deltas for a guest that dirties fast).</summary>
        [Parameter]
        [ValidateSet("Auto", "None", "Zstd", "Zlib", "Xbzrle")]
        public string Compression { get; set; } = DeltaCompression.Automatic;

        [Parameter]
        public SwitchParameter CopyStorage { get; set; }

        /// <summary>The destination's address on the migration network: the VM's memory goes there, not to the address it was connected with.</summary>
        [Parameter(ParameterSetName = ByVM)]
        [ValidateNotNullOrEmpty]
        public string? MigrationAddress { get; set; }

        /// <summary>The network (CIDR) the memory stream must cross: it goes to the destination's address in it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MigrationNetwork { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ByPlan)
            {
                RunPlan();
                return;
            }
            if (ParameterSetName == ByVM && !CopyStorage && (Disk.Length > 0 || DiskFormat != null))
            {
                // Silently moving memory only would surprise the user who named disks.
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "-Disk and -DiskFormat choose the disks a move copies: add -CopyStorage (or -DestinationStoragePool) to copy them."));
            }
            if (MigrationAddress != null && System.Uri.CheckHostName(MigrationAddress.Trim()) == UriHostNameType.Unknown)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"-MigrationAddress '{MigrationAddress}' is not an IP address or a host name: give the destination's address on the migration network alone, such as 10.20.0.12, without scheme or port.", MigrationAddress));
            }
            if (MigrationAddress != null && MigrationNetwork != null)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "-MigrationAddress names the destination's address and -MigrationNetwork the network to pick it from: give one of them."));
            }
            CheckMigrationNetwork(MigrationNetwork);
            if (DeltaCompression.IsRequested(Compression) && ParallelConnections > 1)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "-Compression Xbzrle sends page deltas on a single migration stream: use -ParallelConnections 1, or Zstd/Zlib on parallel streams."));
            }
            var destination = Destination == null ? null : ResolveDestination(Destination);
            foreach (var reference in VM)
            {
                var located = LocateOrReport(reference);
                if (located == null)
                {
                    continue;
                }
                if (ParameterSetName == ByStorage && (destination == null || destination.Uri.Equals(located.Host.Uri)))
                {
                    SubmitStorageMove(located);
                }
                else
                {
                    Submit(located, destination!);
                }
            }
        }

        private void SubmitStorageMove(LocatedVM located)
        {
            var disks = Disk.Length == 0 ? "the disks" : "disk(s) " + string.Join(", ", Disk);
            if (!ShouldProcess($"VM '{located.Guest.Name}' on host '{located.Host.Name}'", $"Move {disks} into storage pool '{DestinationStoragePool}'{(DiskFormat == null ? "" : " as " + DiskFormat)}"))
            {
                return;
            }
            var request = new StorageMigrationRequest(located, DestinationStoragePool)
            {
                Disks = Disk,
                DiskFormat = DiskFormat,
                BandwidthMBps = BandwidthMBps,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            };
            Enqueue((progress, token) => new StorageMigrationJob(request, progress, PollInterval).Run(token));
        }

        private void RunPlan()
        {
            MigrationPlan plan;
            try
            {
                plan = PlanExecution.Validate(Plan, Inventory, Registry.Hosts, RulePath == null ? null : ClusterRulesFile.Read(ResolveLiteralPath(RulePath)), Replan, CancellationToken);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, Plan);
                return;
            }
            if (!ReferenceEquals(plan, Plan))
            {
                WriteVerbose($"The plan was stale; planned again: {plan}");
            }
            foreach (var step in plan.Steps.OrderBy(s => s.Order))
            {
                var destination = ResolveDestination(new HostReference(step.Destination));
                var located = LocateOrReport(new VmReference(step.VMName));
                if (located == null)
                {
                    continue;
                }
                if (string.Equals(located.Host.Name, step.Destination, StringComparison.OrdinalIgnoreCase))
                {
                    // Running a plan again is idempotent: a VM already where the plan puts it is done, not an error.
                    WriteObject(PlanExecution.AlreadyInPlace(step));
                    continue;
                }
                Submit(located, destination);
            }
        }

        private void Submit(LocatedVM located, ConnectedHost destination)
        {
            var storage = MovesStorage ? $" with its disks{(ParameterSetName == ByStorage ? $" into storage pool '{DestinationStoragePool}'" : "")}" : "";
            if (!ShouldProcess($"VM '{located.Guest.Name}' on host '{located.Host.Name}'", $"Live-migrate to host '{destination.Name}'{storage}"))
            {
                return;
            }
            var request = BuildRequest(located, destination);
            Enqueue((progress, token) => new LiveMigrationJob(request, progress, PollInterval).Run(token));
        }

        private bool MovesStorage => CopyStorage || ParameterSetName == ByStorage;

        private void Enqueue(Func<IProgress<MigrationProgress>, CancellationToken, MigrationResult> move)
        {
            if (AsJob)
            {
                queuedForJob.Add(move);
            }
            else
            {
                RunNow(move);
            }
        }

        protected override void EndProcessing()
        {
            if (!AsJob || queuedForJob.Count == 0)
            {
                return;
            }
            var moves = queuedForJob.ToArray();
            var job = new EngineJob(GetType(), MyInvocation.Line, $"Move-VMLive ({moves.Length} VM)", (j, token) =>
            {
                foreach (var move in moves)
                {
                    if (token.IsCancellationRequested)
                    {
                        break;
                    }
                    var id = activityId++;
                    j.WriteResult(move(new SynchronousProgress<MigrationProgress>(p => j.Progress.Add(MigrationProgressWriter.ToRecord(p, id, -1))), token));
                }
            });
            JobRepository.Add(job);
            job.Start();
            WriteObject(job);
        }

        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

        private void RunNow(Func<IProgress<MigrationProgress>, CancellationToken, MigrationResult> move)
        {
            var pump = new PipelinePump();
            var progress = new MigrationProgressWriter(pump, activityId++);
            var result = pump.Run(this, CancellationToken, token => move(progress, token));
            if (Stopping)
            {
                // The pipeline is being stopped (Ctrl+C): the object stream is closed, but the user must still learn the outcome.
                Host.UI.WriteWarningLine($"{result.VMName}: {result.Status} in {result.Phase}; running on '{result.RunningOn}'. {result.Message}");
                return;
            }
            this.WriteResult(result);
        }

        private LiveMigrationRequest BuildRequest(LocatedVM located, ConnectedHost destination) => new LiveMigrationRequest(located, destination)
        {
            Strategy = Strategy,
            MaxDowntimeMs = MaxDowntimeMs,
            BandwidthMBps = BandwidthMBps,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            StallTimeout = TimeSpan.FromSeconds(StallTimeoutSec),
            AllowPostCopy = AllowPostCopy,
            Encryption = Encryption,
            MigrationNetwork = MigrationNetwork?.Trim(),
            MigrationAddress = MigrationAddress?.Trim(),
            CopyStorage = CopyStorage,
            DestinationStoragePool = ParameterSetName == ByStorage ? DestinationStoragePool : null,
            Disks = Disk,
            DiskFormat = DiskFormat,
            ParallelConnections = ParallelConnections,
            Compression = Compression,
        };
    }
}
