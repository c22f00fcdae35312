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
                };
                var plan = MigrationPlanner.Plan(inventory, rules, options);
                foreach (var unplaced in plan.Unplaced)
                {
                    WriteWarning($"{unplaced.VMName} on {unplaced.HostName} cannot be placed: {unplaced.Reason.Code}: {unplaced.Reason.Text}");
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
            var inventory = LiveInventory.Capture(Inventory, Registry.Hosts, IncludeStopped, CancellationToken, out var failures);
            foreach (var failure in failures)
            {
                WriteWarning($"Planning without host '{failure.Target}': {failure.Message}");
            }
            return inventory;
        }
    }
}
