using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Planning
{
    internal static class PlanAssert
    {
        public static void NoViolations(ClusterInventory inventory, ClusterRules? rules, MigrationPlan plan)
        {
            var problems = IndependentPlanChecker.Violations(inventory, rules, plan);
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }

        public static MigrationException Throws(string errorId, System.Action action)
        {
            var error = Assert.Throws<MigrationException>(action);
            Assert.Equal(errorId, error.ErrorId);
            return error;
        }

        /// <summary>Where every VM ends up once all steps ran.</summary>
        public static Dictionary<string, string> FinalHosts(ClusterInventory inventory, MigrationPlan plan)
        {
            var location = inventory.VMs.ToDictionary(v => v.Name, v => v.HostName);
            foreach (var step in plan.Steps) location[step.VMName] = step.Destination;
            return location;
        }
    }
}
