using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.State;

namespace VmMigration.Commands
{
    /// <summary>
    /// Maintenance mode: puts a host in maintenance and live-migrates every running VM off it, several at a time under
    /// shared limits, journaling every step so that a killed run continues with -Resume. One result per VM, then a summary.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "HostEvacuation", DefaultParameterSetName = ByTimeout, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(MigrationResult), typeof(EvacuationSummary))]
    public sealed class InvokeHostEvacuationCommand : DrainingCmdlet
    {
        private const string ByTimeout = "Timeout";
        private const string ByDeadline = "Deadline";
        private const int HostActivityId = 1000;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference HostName { get; set; } = null!;

        /// <summary>An Evacuate plan to follow (checked against the hosts first) instead of planning now.</summary>
        [Parameter]
        public MigrationPlan? Plan { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int MaxConcurrentPerHost { get; set; } = 2;

        [Parameter(ParameterSetName = ByDeadline, Mandatory = true)]
        public DateTime Deadline { get; set; }

        [Parameter(ParameterSetName = ByTimeout)]
        [ValidateRange(1, 604800)]
        public int TimeoutSec { get; set; } = 3600;

        [Parameter]
        [ValidateRange(1, 60000)]
        public long MaxDowntimeMs { get; set; } = 300;

        [Parameter]
        public SwitchParameter AllowPostCopy { get; set; }

        /// <summary>Start no new move after one fails.</summary>
        [Parameter]
        public SwitchParameter StopOnError { get; set; }

        /// <summary>Move shut-off VMs too, cold, with their disks, placed by the planner like the running ones (rules, room for their memory, spread).</summary>
        [Parameter]
        public SwitchParameter IncludeStopped { get; set; }

        protected override void ProcessRecord()
        {
            var host = ResolveDestination(HostName);
            var options = new EvacuationOptions
            {
                HostName = host.Name,
                Plan = Plan,
                Rules = ReadRules(),
                MaxConcurrent = MaxConcurrent,
                WaitForHolds = TimeSpan.FromSeconds(WaitSec),
                MaxConcurrentPerHost = MaxConcurrentPerHost,
                BandwidthMBps = BandwidthMBps,
                Deadline = ParameterSetName == ByDeadline ? Deadline.ToUniversalTime() : DateTime.UtcNow.AddSeconds(TimeoutSec),
                MaxDowntimeMs = MaxDowntimeMs,
                AllowPostCopy = AllowPostCopy,
                Encryption = Encryption,
                MigrationNetwork = CheckedMigrationNetwork(),
                JournalPath = JournalPath != null ? ResolveLiteralPath(JournalPath) : EvacuationJournal.DefaultPath(host.Name),
                Resume = Resume,
                StopOnError = StopOnError,
                IncludeStopped = IncludeStopped,
            };
            if (!ShouldProcessUnlessForced(Force, $"host '{host.Name}'", Resume ? "Resume the evacuation (live-migrate its remaining VMs away)" : "Enter maintenance and live-migrate every running VM away"))
            {
                return;
            }

            var evacuation = new HostEvacuation(Registry, Inventory, MaintenanceStore.Default, options);
            var azureDevOps = AzureDevOps.IsPresent;
            if (AsJob)
            {
                var job = new EngineJob(GetType(), MyInvocation.Line, $"Evacuate {host.Name}", (j, token) =>
                    j.Output.Add(PSObject.AsPSObject(evacuation.Run(new JobEvacuationObserver(j, HostActivityId, host.Name, azureDevOps), token))));
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }

            var pump = new PipelinePump();
            var pipelineObserver = new PipelineEvacuationObserver(pump, HostActivityId, host.Name, azureDevOps);
            EvacuationSummary summary;
            try
            {
                summary = pump.Run(this, CancellationToken, token => evacuation.Run(pipelineObserver, token));
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, host.Name);
                return;
            }
            WriteProgress(new ProgressRecord(HostActivityId, $"Evacuating {host.Name}", "done") { RecordType = ProgressRecordType.Completed });
            WriteObject(summary);
        }
    }
}
