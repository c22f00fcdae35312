using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using VmMigration.State;

namespace VmMigration.Commands
{
    /// <summary>
    /// Every host of a cluster in turn: drain it, run the user's script, wait for it to answer, check it, fail back, then
    /// the next. The whole run is checked before anything moves, and journaled so that a killed run continues with -Resume.
    /// One result per host as it finishes, then a summary.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "RollingMaintenance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HostMaintenanceResult), typeof(RollingMaintenanceSummary))]
    public sealed class InvokeRollingMaintenanceCommand : DrainingCmdlet
    {
        private readonly List<string> hostNames = new List<string>();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference[] HostName { get; set; } = Array.Empty<HostReference>();

        /// <summary>The maintenance of one host, with no VM running on it: param($MigrationHost) ...</summary>
        [Parameter(Mandatory = true, Position = 1)]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        [Parameter]
        public ScriptBlock? PreScript { get; set; }

        [Parameter]
        public ScriptBlock? PostScript { get; set; }

        [Parameter]
        public ScriptBlock? HealthCheck { get; set; }

        [Parameter]
        public MaintenanceHostOrder HostOrder { get; set; } = MaintenanceHostOrder.Given;

        [Parameter]
        public MaintenanceFailback Failback { get; set; } = MaintenanceFailback.Original;

        [Parameter]
        [ValidateRange(0, 10000)]
        public int MaxFailedHosts { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int HostReturnTimeoutSec { get; set; } = 1800;

        [Parameter]
        public DateTime Deadline { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] SkipHost { get; set; } = Array.Empty<string>();

        // Hosts come one by one from the pipeline; the run needs them all before it plans.
        protected override void ProcessRecord() => hostNames.AddRange(HostName.Select(h => h.Name));

        protected override void EndProcessing()
        {
            var selected = HostNameFilter.Select(Registry.Hosts, hostNames, out var unmatched);
            // A name that matches no connected host goes on to the engine, which refuses it (HostNotFound) unless a resumed
            // run left that host rebooting.
            var names = selected.Select(h => h.Name).Concat(unmatched).ToList();
            var options = new RollingMaintenanceOptions
            {
                HostNames = names,
                SkipHosts = SkipHost.ToList(),
                HostOrder = HostOrder,
                Failback = Failback,
                MaxFailedHosts = MaxFailedHosts,
                HostReturnTimeout = TimeSpan.FromSeconds(HostReturnTimeoutSec),
                Deadline = MyInvocation.BoundParameters.ContainsKey(nameof(Deadline)) ? Deadline.ToUniversalTime() : (DateTime?)null,
                MaxConcurrent = MaxConcurrent,
                WaitForHolds = TimeSpan.FromSeconds(WaitSec),
                BandwidthMBps = BandwidthMBps,
                Encryption = Encryption,
                MigrationNetwork = CheckedMigrationNetwork(),
                Rules = ReadRules(),
                JournalPath = JournalPath != null ? ResolveLiteralPath(JournalPath) : RollingMaintenanceJournal.DefaultPath(names),
                Resume = Resume,
            };
            var run = new RollingMaintenance(Registry, Inventory, MaintenanceStore.Default, options);
            var preview = Refused(() => run.Preflight(CancellationToken));
            foreach (var warning in preview.Warnings)
            {
                WriteWarning(warning);
            }
            // Phase 1, on the pipeline thread: each host is confirmed (or not) before anything moves.
            var declined = preview.Turns.Where(t => !ShouldProcessUnlessForced(Force, $"host '{t.HostName}'", t.Action)).Select(t => t.HostName).ToList();
            if (preview.Turns.Count > 0 && declined.Count == preview.Turns.Count)
            {
                return;
            }

            var scripts = new Dictionary<MaintenanceScript, ScriptBlock> { [MaintenanceScript.Script] = ScriptBlock };
            AddIfGiven(scripts, MaintenanceScript.PreScript, PreScript);
            AddIfGiven(scripts, MaintenanceScript.PostScript, PostScript);
            AddIfGiven(scripts, MaintenanceScript.HealthCheck, HealthCheck);
            var azureDevOps = AzureDevOps.IsPresent;
            if (AsJob)
            {
                var job = new EngineJob(GetType(), MyInvocation.Line, $"Rolling maintenance of {string.Join(", ", names)}", (j, token) =>
                {
                    using (var inRunspace = MaintenanceScripts.InRunspace(scripts))
                    {
                        var reporter = new RollingMaintenanceReporter(new JobSink(j, "Invoke-RollingMaintenance"), azureDevOps);
                        j.Output.Add(PSObject.AsPSObject(run.Run(declined, reporter, inRunspace, token)));
                    }
                });
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }

            var pump = new PipelinePump();
            using (var onPipelineThread = MaintenanceScripts.OnPipelineThread(pump, scripts))
            {
                var reporter = new RollingMaintenanceReporter(new PipelineSink(pump), azureDevOps);
                var summary = Refused(() => pump.Run(this, CancellationToken, token => run.Run(declined, reporter, onPipelineThread, token)));
                WriteProgress(new ProgressRecord(RollingMaintenanceReporter.HostActivityId, "Maintenance", "done") { ParentActivityId = RollingMaintenanceReporter.RunActivityId, RecordType = ProgressRecordType.Completed });
                WriteProgress(new ProgressRecord(RollingMaintenanceReporter.RunActivityId, "Rolling maintenance", "done") { RecordType = ProgressRecordType.Completed });
                WriteObject(summary);
            }
        }

        /// <summary>Runs <paramref name="work"/>; an engine refusal is a terminating error, RollingMaintenanceInfeasible with its blockers as the target.</summary>
        private T Refused<T>(Func<T> work)
        {
            try
            {
                return work();
            }
            catch (MaintenanceInfeasibleException error)
            {
                ThrowMigrationError(error, error.Blockers.ToArray());
                throw;
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error);
                throw;
            }
        }

        private static void AddIfGiven(Dictionary<MaintenanceScript, ScriptBlock> scripts, MaintenanceScript kind, ScriptBlock? script)
        {
            if (script != null)
            {
                scripts[kind] = script;
            }
        }
    }
}
