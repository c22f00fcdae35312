using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Clone;

namespace VmMigration.Commands
{
    /// <summary>
    /// Makes a full or linked clone of a VM, on its host or another, with a new identity (name, UUID, MAC addresses, disk files).
    /// The source keeps running; a running source's disks are frozen under temporary overlays for a crash-consistent copy.
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "VMClone", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationVM))]
    public sealed class CopyVMCloneCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference VM { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
        public string Name { get; set; } = "";

        [Parameter]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference? Destination { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
        public string? StoragePool { get; set; }

        [Parameter]
        public SwitchParameter Linked { get; set; }

        [Parameter]
        public SwitchParameter Start { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            var destination = Destination == null ? null : ResolveDestination(Destination);
            var located = LocateOrReport(VM);
            if (located == null)
            {
                return;
            }
            var target = destination ?? located.Host;
            var kind = Linked ? "linked clone" : "full clone";
            if (!ShouldProcess($"VM '{located.Guest.Name}' on host '{located.Host.Name}'", $"Create {kind} '{Name}' on host '{target.Name}'{(Start ? " and start it" : "")}"))
            {
                return;
            }

            var request = new CloneRequest(located, Name) { Destination = destination, StoragePool = StoragePool, Linked = Linked, Start = Start };
            if (AsJob)
            {
                var job = new EngineJob(GetType(), MyInvocation.Line, $"Copy-VMClone {located.Guest.Name} -> {Name}", (j, token) =>
                {
                    var outcome = new CloneJob(request, Registry.Hosts, new SynchronousProgress<CloneProgress>(p => j.Progress.Add(ToRecord(p)))).Run(token);
                    j.Output.Add(ToOutput(outcome));
                });
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }

            var pump = new PipelinePump();
            var lastPercent = -1;
            var progress = new SynchronousProgress<CloneProgress>(p =>
            {
                var record = ToRecord(p);
                // Disk copies report every chunk; the console needs a record per percent at most.
                if (record.PercentComplete >= 0 && record.PercentComplete == lastPercent) return;
                lastPercent = record.PercentComplete;
                pump.Post(cmdlet => cmdlet.WriteProgress(record));
            });
            try
            {
                var outcome = pump.Run(this, CancellationToken, token => new CloneJob(request, Registry.Hosts, progress).Run(token));
                WriteProgress(new ProgressRecord(ActivityId, Activity, "done") { RecordType = ProgressRecordType.Completed });
                if (outcome.ParentOverlayPaths.Count > 0)
                {
                    WriteVerbose($"'{located.Guest.Name}' kept running; it now writes to {string.Join(", ", outcome.ParentOverlayPaths)} and its former disks are the read-only base of '{Name}'. The switch took {outcome.SourcePausedMs} ms.");
                }
                else if (outcome.SourcePausedMs.HasValue)
                {
                    WriteVerbose($"'{located.Guest.Name}' kept running; switching its disks onto temporary overlays for a crash-consistent copy took {outcome.SourcePausedMs} ms.");
                }
                WriteObject(ToOutput(outcome));
            }
            catch (MigrationException error)
            {
                WriteMigrationError(error, Name);
            }
        }

        private const int ActivityId = 1;
        private string Activity => $"Cloning {VM.DisplayName} -> {Name}";

        private ProgressRecord ToRecord(CloneProgress progress) => new ProgressRecord(ActivityId, Activity, progress.Activity)
        {
            PercentComplete = progress.TotalBytes > 0 ? (int)Math.Min(100, progress.DoneBytes * 100 / progress.TotalBytes) : -1,
        };

        /// <summary>The clone as a MigrationVM, with what the copy cost attached for scripts and benchmarks.</summary>
        private static PSObject ToOutput(CloneOutcome outcome)
        {
            var output = PSObject.AsPSObject(outcome.VM);
            output.Properties.Add(new PSNoteProperty("StoragePool", outcome.StoragePool));
            output.Properties.Add(new PSNoteProperty("DiskPaths", outcome.DiskPaths));
            output.Properties.Add(new PSNoteProperty("CopiedBytes", outcome.CopiedBytes));
            output.Properties.Add(new PSNoteProperty("DurationMs", outcome.DurationMs));
            output.Properties.Add(new PSNoteProperty("SourcePausedMs", outcome.SourcePausedMs));
            output.Properties.Add(new PSNoteProperty("ParentOverlayPaths", outcome.ParentOverlayPaths));
            return output;
        }
    }
}
