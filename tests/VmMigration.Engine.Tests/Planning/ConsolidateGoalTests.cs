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
    
        [Fact]
        public void Set_packing_frees_the_most_hosts_with_the_fewest_moves_and_only_moves_off_freed_hosts()
        {
            // 46 GB on four 64 GB hosts: three can be freed. Keeping h1 or h4 (two VMs each) costs 4 moves.
            var inventory = Sparse().Build().SortedCopy();
            var model = new PlacementModel(inventory, new ClusterRules(), new PlanningOptions { Goal = PlanGoal.Consolidate });
            var ledger = new CapacityLedger(model);
            var packer = new ConsolidatePacker(model, ledger.UsedMemoryMB, ledger.UsedCpu);
            var all = Enumerable.Repeat(true, model.HostCount).ToArray();

            var moves = packer.Search(all, _ => true, int.MaxValue, beatHosts: 0, beatMoves: int.MaxValue);

            Assert.NotNull(moves);
            var freed = moves!.Select(m => m.From).Distinct().ToList();
            Assert.Equal(3, freed.Count);
            Assert.Equal(4, moves.Count);
            Assert.DoesNotContain(moves, m => freed.Contains(m.To));
            // Nothing better than three hosts with four moves exists, so asking to beat it finds nothing.
            Assert.Null(packer.Search(all, _ => true, int.MaxValue, beatHosts: 3, beatMoves: 4));
            // With only three moves allowed, two hosts are the most (h2 and h3, one VM each).
            var limited = packer.Search(all, _ => true, 3, beatHosts: 0, beatMoves: int.MaxValue);
            Assert.Equal(2, limited!.Select(m => m.From).Distinct().Count());
            Assert.Equal(2, limited!.Count);
        }

        [Fact]
        public void Set_packing_keeps_anti_affine_VMs_apart()
        {
            var inventory = Sparse().Build();
            var rules = Rules(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "c", "e" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { Goal = PlanGoal.Consolidate });
            // a, c and e need three hosts; the rest fits beside them, so exactly one host is freed.
            Assert.Single(plan.Hosts);
            PlanAssert.NoViolations(inventory, rules, plan);
        }
    }
}
