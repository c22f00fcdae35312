using System.Linq;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    public class ConsolidateGoalTests
    {
        private static ClusterBuilder Sparse() => new ClusterBuilder().Host("h1").Host("h2").Host("h3").Host("h4")
            .VM("a", "h1", memoryMB: 8192).VM("b", "h1", memoryMB: 8192)
            .VM("c", "h2", memoryMB: 4096)
            .VM("d", "h3", memoryMB: 2048)
            .VM("e", "h4", memoryMB: 16384).VM("f", "h4", memoryMB: 8192);

        [Fact]
        public void Empties_the_least_loaded_hosts_and_names_them()
        {
            var inventory = Sparse().Build();
            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Consolidate });

            Assert.Equal(3, plan.Hosts.Count);
            var final = PlanAssert.FinalHosts(inventory, plan);
            Assert.Single(final.Values.Distinct());
            Assert.All(plan.Hosts, freed => Assert.DoesNotContain(freed, final.Values));
            Assert.All(plan.Steps, s => Assert.Contains(s.Source, plan.Hosts));
            PlanAssert.NoViolations(inventory, null, plan);
        }

        [Fact]
        public void Reserves_limit_how_far_it_packs()
        {
            var inventory = Sparse().Build();
            // 50 % reserve: 32 GB per host; 46 GB of VMs need two hosts.
            var plan = MigrationPlanner.Plan(inventory, new ClusterRules { DefaultReservePercent = 50 }, new PlanningOptions { Goal = PlanGoal.Consolidate });
            Assert.Equal(2, plan.Hosts.Count);
            PlanAssert.NoViolations(inventory, new ClusterRules { DefaultReservePercent = 50 }, plan);
        }

        [Fact]
        public void Anti_affinity_keeps_a_host_for_each_side()
        {
            var inventory = Sparse().Build();
            var rules = Rules(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "e" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { Goal = PlanGoal.Consolidate });
            Assert.Equal(2, plan.Hosts.Count);
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void Only_named_hosts_are_emptied_when_hosts_are_given()
        {
            var plan = MigrationPlanner.Plan(Sparse().Build(), null, new PlanningOptions { Goal = PlanGoal.Consolidate, HostNames = { "h2" } });
            Assert.Equal(new[] { "h2" }, plan.Hosts);
            PlanAssert.Throws(ErrorIds.HostNotFound, () => MigrationPlanner.Plan(Sparse().Build(), null, new PlanningOptions { Goal = PlanGoal.Consolidate, HostNames = { "nope" } }));
        }
    }
}
