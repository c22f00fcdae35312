using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// Aborts jobs found by Get-MigrationJob the safe way: on the host that drives the job (a migration's source), waits
    /// until it is gone, and leaves the VM running on its source with no incomplete copy on the destination. Writes what
    /// happened to each; a VM with no job is a MigrationJobNotFound error and the others go on.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "MigrationJob", DefaultParameterSetName = ByVM, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationJobStopResult))]
    public sealed class StopMigrationJobCommand : VmMigrationCmdlet
    {
        private const string ByVM = "VM";
        private const string ByInputObject = "InputObject";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByVM, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        /// <summary>Jobs from Get-MigrationJob.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
        public MigrationJob[] InputObject { get; set; } = Array.Empty<MigrationJob>();

        /// <summary>How long each job may take to end after its abort.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 60;

        /// <summary>Skips the confirmation prompt (for scripts); -WhatIf and an explicit -Confirm still apply.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var stopper = new MigrationJobStopper(Registry) { Timeout = TimeSpan.FromSeconds(TimeoutSec) };
            foreach (var job in ParameterSetName == ByInputObject ? InputObject : FindJobs())
            {
                var route = job.Kind == MigrationJobKind.LiveMigration || job.Kind == MigrationJobKind.IncomingMigration
                    ? $" ({(job.Source.Length > 0 ? job.Source : "?")} -> {(job.Destination.Length > 0 ? job.Destination : "?")})" : $" ({job.Kind} on '{job.HostName}')";
                if (!ShouldProcessUnlessForced(Force, $"the job of VM '{job.VMName}'{route}", "Abort it and leave the VM running on its source"))
                {
                    continue;
                }
                MigrationJobStopResult result;
                try
                {
                    result = stopper.Stop(job, CancellationToken);
                }
                catch (MigrationException error)
                {
                    WriteMigrationError(error, job.VMName);
                    continue;
                }
                if (result.Status != MigrationJobStopStatus.Aborted) WriteWarning(result.Message);
                WriteObject(result);
            }
        }

        /// <summary>The jobs of the -VM values; a VM with none is reported (MigrationJobNotFound) and the others go on.</summary>
        private IEnumerable<MigrationJob> FindJobs()
        {
            var listing = new MigrationJobReader(Registry).Read(Registry.Hosts, null, null, CancellationToken);
            foreach (var failure in listing.Failures)
            {
                WriteWarning($"{failure.Message} Its jobs cannot be stopped.");
            }
            foreach (var reference in VM)
            {
                var jobs = listing.Jobs.Where(j => string.Equals(j.VMName, reference.NameOrUuid, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(j.Uuid, reference.NameOrUuid, StringComparison.OrdinalIgnoreCase)).ToList();
                if (jobs.Count == 0)
                {
                    WriteMigrationError(new MigrationException(ErrorIds.MigrationJobNotFound, ErrorKind.ObjectNotFound,
                        $"VM '{reference.DisplayName}' has no job in flight on the connected hosts ({string.Join(", ", Registry.Hosts.Select(h => h.Name))}). Get-MigrationJob lists the jobs there are.",
                        reference.DisplayName), reference.DisplayName);
                }
                foreach (var job in jobs) yield return job;
            }
        }
    }
}
