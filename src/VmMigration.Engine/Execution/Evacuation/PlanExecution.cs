using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>What happens to a plan before its steps run: checked against the hosts as they are now, refused or re-planned when stale.</summary>
    public static class PlanExecution
    {
        /// <summary>The plan to run: the given one when it still fits, a new one for the same goal when stale and <paramref name="replan"/>.</summary>
        public static MigrationPlan Validate(MigrationPlan plan, Inventory inventory, IReadOnlyList<ConnectedHost> hosts, ClusterRules? rules, bool replan, CancellationToken cancellationToken)
        {
            // A plan with cold moves is checked against the stopped VMs too; one without them never sees them.
            var live = LiveInventory.Capture(inventory, hosts, plan.Options?.IncludeStopped == true, cancellationToken, out _);
            var reasons = PlanStaleness.FindReasons(plan, live, rules);
            if (reasons.Count == 0)
            {
                return plan;
            }
            if (!replan)
            {
                throw new MigrationException(ErrorIds.PlanIsStale, ErrorKind.InvalidData,
                    $"The {plan.Goal} plan of {plan.CreatedAt:u} no longer fits the hosts: {string.Join(" ", reasons)} Make a new plan with Get-MigrationPlan, or run it with -Replan.");
            }
            return Replan(plan, live, rules);
        }

        /// <summary>A new plan from <paramref name="live"/> with the options <paramref name="plan"/> was made with (its goal and hosts to evacuate when it predates kept options).</summary>
        public static MigrationPlan Replan(MigrationPlan plan, ClusterInventory live, ClusterRules? rules) =>
            MigrationPlanner.Plan(live, rules, plan.Options?.ForReplanning()
                ?? new PlanningOptions { Goal = plan.Goal, HostNames = plan.Goal == PlanGoal.Evacuate ? plan.Hosts.ToList() : new List<string>() });

        /// <summary>The result for a step whose VM already runs on the step's destination.</summary>
        public static MigrationResult AlreadyInPlace(MigrationPlanStep step) => UnmovedResult.Create(step.VMName, step.Source, step.Destination, step.Destination,
            MigrationStatus.Skipped, null, $"VM '{step.VMName}' already runs on '{step.Destination}', where the plan puts it.");
    }
}
