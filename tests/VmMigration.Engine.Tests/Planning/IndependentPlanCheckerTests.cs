using System.Collections.Generic;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    /// <summary>The checker the property tests trust must itself catch broken plans.</summary>
    public class IndependentPlanCheckerTests
    {
        private static MigrationPlanStep Step(int order, int wave, string vm, string from, string to) =>
            new MigrationPlanStep { Order = order, Wave = wave, VMName = vm, Source = from, Destination = to, MemoryMB = 1 };

        private static readonly ClusterInventory Inventory = new ClusterBuilder().Host("h1", memoryMB: 16384).Host("h2", memoryMB: 16384)
            .VM("a", "h1", memoryMB: 8192).VM("b", "h2", memoryMB: 8192).VM("c", "h2", memoryMB: 4096).Build();

        [Fact]
        public void Catches_a_swap_squeezed_into_one_wave()
        {
            // Swapping a and b in one wave needs both on both hosts at once: h2 would hold 20 GB of 16.
            var plan = new MigrationPlan { Steps = new List<MigrationPlanStep> { Step(1, 1, "a", "h1", "h2"), Step(2, 1, "b", "h2", "h1") } };
            Assert.Contains(IndependentPlanChecker.Violations(Inventory, null, plan), p => p.Contains("h2 needs"));
        }

        [Fact]
        public void Catches_anti_affinity_a_moving_VM_breaks_while_the_other_leaves_in_the_same_wave()
        {
            var rules = Rules(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "c" }));
            var plan = new MigrationPlan { Steps = new List<MigrationPlanStep> { Step(1, 1, "c", "h2", "h1"), Step(2, 1, "a", "h1", "h2") } };
            Assert.Contains(IndependentPlanChecker.Violations(Inventory, rules, plan), p => p.Contains("anti-affinity"));
        }

        [Fact]
        public void Catches_host_rules_double_moves_and_wrong_sources()
        {
            var rules = Rules(Rule("stay", PlacementRuleKind.MustRunOn, new[] { "c" }, new[] { "h2" }));
            var plan = new MigrationPlan { Steps = new List<MigrationPlanStep> { Step(1, 1, "c", "h2", "h1"), Step(2, 2, "c", "h1", "h2"), Step(3, 3, "a", "h2", "h1") } };
            var problems = IndependentPlanChecker.Violations(Inventory, rules, plan);
            Assert.Contains(problems, p => p.Contains("MustRunOn"));
            Assert.Contains(problems, p => p.Contains("moves twice"));
            Assert.Contains(problems, p => p.Contains("is on h1, not h2"));
        }
    }
}
