using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// An explained plan for balancing, consolidating or evacuating hosts. Nothing moves: the plan is an object to
    /// review, export, gate on, and pipe to Move-VMLive.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MigrationPlan")]
    [OutputType(typeof(MigrationPlan))]
    public sealed class GetMigrationPlanCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public PlanGoal Goal { get; set; }

        /// <summary>The hosts to evacuate (Evacuate), the only hosts to empty (Consolidate) or to balance among (Balance); all when empty.</summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxMoves { get; set; } = int.MaxValue;

        /// <summary>Plan from an inventory snapshot (Export-MigrationInventory) instead of the connected hosts.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? InventoryPath { get; set; }

        /// <summary>The cluster rules file (affinity, anti-affinity, host rules, reserves, maintenance).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RulePath { get; set; }

        /// <summary>The bandwidth each move is predicted to get, for durations and downtimes.</summary>
        [Parameter]
        [ValidateRange(1, 1000000)]
        public double BandwidthMBps { get; set; } = 128;

        [Parameter]
        [ValidateRange(1, 60000)]
        public double MaxDowntimeMs { get; set; } = 300;

        /// <summary>Balance stops when the spread of host load is under this (standard deviation of load fractions).</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double TargetScore { get; set; } = 0.05;

        /// <summary>Balance: at or below this load spread (smoothed) the plan is empty and says so; 0 plans whenever the spread is above -TargetScore.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double Threshold { get; set; }

        /// <summary>Balance: how many times its cost a move's gain (held for the cooldown) must be; 0 plans every move that lowers the spread.</summary>
        [Parameter]
        [ValidateRange(0.0, 1000000.0)]
        public double MinImprovement { get; set; }

        /// <summary>Balance: a VM a balance run moved less than this long ago stays where it is.</summary>
        [Parameter]
        [ValidateRange(1, 10080)]
        public int CooldownMinutes { get; set; } = PlanningOptions.DefaultCooldownMinutes;

        /// <summary>Balance from the connected hosts: how long CPU use is measured; the plan smooths it with earlier windows.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int SampleSec { get; set; } = 1;

        /// <summary>Evacuate: place the shut-off VMs of the evacuated hosts too, as cold moves, in one plan with the running ones.</summary>
        [Parameter]
        public SwitchParameter IncludeStopped { get; set; }

        /// <summary>Lets a VM move twice in the plan: a VM that made room may make room again (Evacuate), a swap between full hosts may go through a third (Balance).</summary>
        [Parameter]
        public SwitchParameter AllowStaging { get; set; }

        private readonly System.Collections.Generic.List<string> hostNames = new System.Collections.Generic.List<string>();

        // Hosts piped in one by one make one plan together, made once all have arrived.
        protected override void ProcessRecord() => hostNames.AddRange(HostName ?? Array.Empty<string>());

        protected override void EndProcessing()
        {
            if (InventoryPath == null
                && WarnIfNoHostConnected("there is nothing to plan and no plan was made", "Run Connect-MigrationHost, or plan from a snapshot with -InventoryPath."))
            {
                return;
            }
            var balanceOnly = new[] { nameof(Threshold), nameof(MinImprovement), nameof(CooldownMinutes), nameof(SampleSec) }
                .Where(MyInvocation.BoundParameters.ContainsKey).ToList();
            if (Goal != PlanGoal.Balance && balanceOnly.Count > 0)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"-{string.Join(", -", balanceOnly)} appl{(balanceOnly.Count == 1 ? "ies" : "y")} to -Goal Balance only; leave {(balanceOnly.Count == 1 ? "it" : "them")} out for -Goal {Goal}.", balanceOnly[0]));
            }
            try
            {
                var inventory = LoadInventory();
                var rules = RulePath == null ? null : ClusterRulesFile.Read(ResolveLiteralPath(RulePath));
                var options = new PlanningOptions
                {
                    Goal = Goal,
                    HostNames = hostNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                    MaxMoves = MaxMoves,
                    BandwidthMBps = BandwidthMBps,
                    MaxDowntimeMs = MaxDowntimeMs,
                    TargetScore = TargetScore,
                    IncludeStopped = IncludeStopped,
                    AllowStaging = AllowStaging,
                    Threshold = Threshold,
                    MinImprovement = MinImprovement,
                    CooldownMinutes = CooldownMinutes,
                };
                var plan = MigrationPlanner.Plan(inventory, rules, options);
                foreach (var unplaced in plan.Unplaced)
                {
                    WriteWarning($"{unplaced.VMName} on {unplaced.HostName} cannot be placed: {unplaced.Reason.Code}: {unplaced.Reason.Text}");
                }
                if (plan.Balance != null)
                {
                    WriteVerbose(plan.Balance.Summary);
                }
                WriteObject(plan);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error);
            }
        }

        private ClusterInventory LoadInventory()
        {
            if (InventoryPath != null)
            {
                return InventoryJson.Read(ResolveLiteralPath(InventoryPath));
            }
            // Balance plans from the load smoothed over earlier windows and knows which VMs balancing moved lately.
            var inventory = Goal == PlanGoal.Balance
                ? BalanceInventory.Capture(Registry, Inventory, Registry.Hosts, TimeSpan.FromSeconds(SampleSec), State.LoadHistoryStore.Default, Clock.System, CancellationToken, out var failures)
                : LiveInventory.Capture(Inventory, Registry.Hosts, IncludeStopped, CancellationToken, out failures);
            foreach (var failure in failures)
            {
                WriteWarning($"Planning without host '{failure.Target}': {failure.Message}");
            }
            return inventory;
        }
    }
}
