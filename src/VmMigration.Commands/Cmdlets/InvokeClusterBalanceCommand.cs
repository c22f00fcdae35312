using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Balance;
using VmMigration.State;

namespace VmMigration.Commands
{
    /// <summary>
    /// One scheduled balancing run that stays calm: it measures the load over -SampleSec and smooths it with earlier runs,
    /// moves nothing while the spread is within -Threshold, moves a VM only when the gain pays for the move by
    /// -MinImprovement, and never moves a VM again within -CooldownMinutes of a balancing move. Moves run several at a
    /// time under the evacuation's limits; one result per move, then a summary (the only output of a run with nothing to do).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "ClusterBalance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(MigrationResult), typeof(ClusterBalanceSummary))]
    public sealed class InvokeClusterBalanceCommand : VmMigrationCmdlet
    {
        private const int ActivityId = 2000;

        /// <summary>The only hosts to balance among (they alone give and take VMs); all connected hosts when left out.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        /// <summary>At or below this load spread (smoothed) nothing moves.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double Threshold { get; set; } = 0.1;

        /// <summary>Once above the threshold, the spread the run balances down to.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double TargetScore { get; set; } = 0.05;

        [Parameter]
        [ValidateRange(1, 1000)]
        public int MaxMoves { get; set; } = 4;

        /// <summary>A VM moved by a balance run is not moved by balancing again for this long.</summary>
        [Parameter]
        [ValidateRange(1, 10080)]
        public int CooldownMinutes { get; set; } = Planning.PlanningOptions.DefaultCooldownMinutes;

        /// <summary>How long CPU use is measured before planning.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int SampleSec { get; set; } = 10;

        /// <summary>Bandwidth shared by the moves in flight, and what moves are predicted at; 0: no shared budget (predicted at 128).</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public long BandwidthMBps { get; set; }

        /// <summary>How many times its cost a move's gain (held for the cooldown) must be; 0 plans every move that lowers the spread.</summary>
        [Parameter]
        [ValidateRange(0.0, 1000000.0)]
        public double MinImprovement { get; set; } = 4;

        [Parameter]
        [ValidateRange(1, 64)]
        public int MaxConcurrent { get; set; } = 4;

        [Parameter]
        [ValidateRange(1, 64)]
        public int MaxConcurrentPerHost { get; set; } = 2;

        [Parameter]
        [ValidateRange(1, 60000)]
        public long MaxDowntimeMs { get; set; } = 300;

        [Parameter]
        public SwitchParameter AllowPostCopy { get; set; }

        /// <summary>TLS for each move's memory and disk streams: Auto (where both hosts can, the result says), Required (or no move), None.</summary>
        [Parameter]
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;

        /// <summary>The network (CIDR) every move's memory stream must cross: it goes to each destination's address in it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MigrationNetwork { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RulePath { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>How long to wait, in seconds, while another run (on this or another machine) holds hosts this run needs; 0 stops at once with HostHeldByAnotherRun.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int WaitSec { get; set; }

        private readonly List<string> hostNames = new List<string>();

        // Hosts piped in one by one are balanced together, once all have arrived.
        protected override void ProcessRecord() => hostNames.AddRange(HostName ?? Array.Empty<string>());

        protected override void EndProcessing()
        {
            if (WarnIfNoHostConnected("there is nothing to balance", "Run Connect-MigrationHost first."))
            {
                return;
            }
            var options = new ClusterBalanceOptions
            {
                HostNames = hostNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                Rules = RulePath == null ? null : ReadRulesFile(RulePath),
                Threshold = Threshold,
                TargetScore = TargetScore,
                MaxMoves = MaxMoves,
                CooldownMinutes = CooldownMinutes,
                MinImprovement = MinImprovement,
                SampleWindow = TimeSpan.FromSeconds(SampleSec),
                BandwidthMBps = BandwidthMBps,
                MaxDowntimeMs = MaxDowntimeMs,
                AllowPostCopy = AllowPostCopy,
                Encryption = Encryption,
                MigrationNetwork = CheckMigrationNetwork(MigrationNetwork),
                MaxConcurrent = MaxConcurrent,
                WaitForHolds = TimeSpan.FromSeconds(WaitSec),
                MaxConcurrentPerHost = MaxConcurrentPerHost,
            };
            var scope = options.HostNames.Count == 0 ? string.Join(", ", Registry.Hosts.Select(h => h.Name)) : string.Join(", ", options.HostNames);
            var activity = $"Balancing {scope}";
            var balance = new ClusterBalance(Registry, Inventory, LoadHistoryStore.Default, options);
            var azureDevOps = AzureDevOps.IsPresent;
            if (AsJob)
            {
                // A job cannot ask per move: the run as a whole is confirmed here.
                if (!ShouldProcess($"hosts {scope}", $"Balance: live-migrate up to {MaxMoves} VM(s) when the load spread is above {Threshold}"))
                {
                    return;
                }
                var job = new EngineJob(GetType(), MyInvocation.Line, activity, (j, token) =>
                {
                    var observer = new JobEvacuationObserver(j, ActivityId, scope, azureDevOps, activity);
                    using var hold = balance.Hold(observer.Warning, token);
                    var plan = balance.Plan(observer, token);
                    j.Output.Add(PSObject.AsPSObject(balance.Run(plan, plan.Steps, observer, token)));
                });
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }

            // A pump drains one piece of work: one for planning, one for moving, with the confirmations between them.
            PipelineEvacuationObserver Observer(PipelinePump pump) => new PipelineEvacuationObserver(pump, ActivityId, scope, azureDevOps, activity);
            try
            {
                // -WhatIf changes nothing, so it holds nothing either: its plan is what the cluster looks like now.
                using var hold = MyInvocation.BoundParameters.ContainsKey("WhatIf") ? null : balance.Hold(WriteWarning, CancellationToken);
                var planning = new PipelinePump();
                var plan = planning.Run(this, CancellationToken, token => balance.Plan(Observer(planning), token));
                // Asked on the pipeline thread, step by step, before anything moves.
                var approved = plan.Steps.Where(step => ShouldProcess($"VM '{step.VMName}' on host '{step.Source}'", $"Live-migrate to host '{step.Destination}' to balance the load ({step.Reason.Text})")).ToList();
                var moving = new PipelinePump();
                var summary = moving.Run(this, CancellationToken, token => balance.Run(plan, approved, Observer(moving), token));
                if (plan.Steps.Count > 0)
                {
                    WriteProgress(new ProgressRecord(ActivityId, activity, "done") { RecordType = ProgressRecordType.Completed });
                }
                WriteObject(summary);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error);
            }
        }
    }
}
