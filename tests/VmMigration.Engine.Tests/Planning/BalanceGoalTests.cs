using System.Linq;
using CsCheck;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    public class BalanceGoalTests
    {
        private static ClusterBuilder Lopsided()
        {
            var cluster = new ClusterBuilder().Host("h1").Host("h2").Host("h3");
            for (int i = 0; i < 9; i++) cluster.VM($"vm{i}", "h1", memoryMB: 6144, vcpus: 2);
            return cluster;
        }

        [Fact]
        public void Spreads_a_loaded_host_over_empty_ones_and_lowers_the_score()
        {
            var inventory = Lopsided().Build();
            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance });

            Assert.True(plan.ScoreAfter < plan.ScoreBefore);
            Assert.True(plan.ScoreAfter <= 0.05, $"score after {plan.ScoreAfter}");
            var final = PlanAssert.FinalHosts(inventory, plan);
            Assert.Equal(3, final.Values.Count(h => h == "h2"));
            Assert.Equal(3, final.Values.Count(h => h == "h3"));
            PlanAssert.NoViolations(inventory, null, plan);
        }

        [Fact]
        public void Leaves_a_balanced_cluster_alone()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").VM("a", "h1").VM("b", "h2").Build();
            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions());
            Assert.Empty(plan.Steps);
            Assert.Equal(plan.ScoreBefore, plan.ScoreAfter);
        }

        [Fact]
        public void Stops_at_MaxMoves_and_never_moves_a_VM_twice()
        {
            var inventory = Lopsided().Build();
            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions { MaxMoves = 2 });
            Assert.Equal(2, plan.Steps.Count);
            Assert.Equal(plan.Steps.Count, plan.Steps.Select(s => s.VMName).Distinct().Count());
        }

        [Fact]
        public void Never_moves_onto_or_off_a_host_in_maintenance()
        {
            var inventory = Lopsided().Host("idle", state: HostState.Maintenance).VM("parked", "idle").Build();
            var rules = new ClusterRules { MaintenanceHosts = { "h3" } };
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions());
            Assert.NotEmpty(plan.Steps);
            Assert.DoesNotContain(plan.Steps, s => s.Destination == "h3" || s.Destination == "idle" || s.VMName == "parked");
        }

        [Fact]
        public void Keeps_anti_affine_VMs_apart()
        {
            var inventory = Lopsided().VM("web2", "h2").VM("web3", "h3").Build();
            var rules = Rules(Rule("web-apart", PlacementRuleKind.AntiAffinity, new[] { "vm0", "web2", "web3" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions());
            Assert.DoesNotContain(plan.Steps, s => s.VMName == "vm0");
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void Moves_an_affinity_group_together_in_one_wave()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2")
                .VM("db1", "h1", memoryMB: 4096).VM("db2", "h1", memoryMB: 4096)
                .VM("app", "h1", memoryMB: 2048, vcpus: 1).VM("web", "h1", memoryMB: 2048, vcpus: 1).Build();
            var rules = Rules(Rule("db-together", PlacementRuleKind.Affinity, new[] { "db1", "db2" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions());

            var db = plan.Steps.Where(s => s.VMName.StartsWith("db")).ToList();
            Assert.Equal(2, db.Count);
            Assert.Single(db.Select(s => s.Wave).Distinct());
            Assert.Single(db.Select(s => s.Destination).Distinct());
            Assert.Contains("db-together", db[0].Reason.Text);
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void Respects_must_and_must_not_run_on()
        {
            var inventory = Lopsided().Build();
            var rules = Rules(
                Rule("licensed", PlacementRuleKind.MustRunOn, new[] { "vm0", "vm1" }, new[] { "h1", "h3" }),
                Rule("not-h2", PlacementRuleKind.MustNotRunOn, new[] { "vm2", "vm3", "vm4" }, new[] { "h2" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions());
            Assert.DoesNotContain(plan.Steps, s => (s.VMName == "vm0" || s.VMName == "vm1") && s.Destination == "h2");
            Assert.DoesNotContain(plan.Steps, s => (s.VMName == "vm2" || s.VMName == "vm3" || s.VMName == "vm4") && s.Destination == "h2");
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void Keeps_a_VM_on_the_host_it_should_run_on()
        {
            var inventory = Lopsided().Build();
            var rules = Rules(Rule("prefer-h1", PlacementRuleKind.ShouldRunOn, new[] { "vm0", "vm1", "vm2", "vm3", "vm4", "vm5", "vm6", "vm7" }, new[] { "h1" }));
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions());
            Assert.Equal(new[] { "vm8" }, plan.Steps.Select(s => s.VMName));
        }

        [Fact]
        public void Fills_a_destination_only_up_to_its_reserve()
        {
            // Without a reserve six 6 GB VMs would go to h2; its 50 % reserve leaves room for five.
            var inventory = new ClusterBuilder().Host("h1", cpus: 32, memoryMB: 262144).Host("h2");
            for (int i = 0; i < 32; i++) inventory.VM($"vm{i}", "h1", memoryMB: 6144, vcpus: 1);
            var rules = new ClusterRules { HostReserves = { new HostReserve { HostName = "h2", ReservePercent = 50 } } };
            var plan = MigrationPlanner.Plan(inventory.Build(), rules, new PlanningOptions());
            Assert.Equal(5, plan.Steps.Count(s => s.Destination == "h2"));
            PlanAssert.NoViolations(inventory.Build(), rules, plan);
        }

        private static ClusterBuilder NoSingleMoveHelps(long hostMemoryMB) => new ClusterBuilder()
            .Host("h1", memoryMB: hostMemoryMB).Host("h2", memoryMB: hostMemoryMB)
            .VM("a", "h1", memoryMB: 20 * 1024).VM("e", "h1", memoryMB: 10 * 1024)
            .VM("b", "h2", memoryMB: 17 * 1024).VM("f", "h2", memoryMB: 7 * 1024);

        [Fact]
        public void Swaps_two_VMs_when_no_single_move_helps()
        {
            // 30 GB vs 24 GB: any single move makes it worse; trading a 20 GB for a 17 GB VM (or 10 for 7) evens it out.
            var inventory = NoSingleMoveHelps(65536).Build();
            var rules = new ClusterRules { DefaultReservePercent = 0 };
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0 });

            Assert.Equal(2, plan.Steps.Count);
            Assert.Equal(2, plan.Steps.Select(s => s.VMName).Distinct().Count());
            Assert.True(plan.ScoreAfter < 1e-9, $"score after {plan.ScoreAfter}");
            var final = PlanAssert.FinalHosts(inventory, plan);
            Assert.Equal(2, final.Values.Count(h => h == "h1"));
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void Does_not_take_a_swap_that_cannot_be_staged()
        {
            // Hosts of 30 GB: h1 is full, h2 has 6 GB free, so neither half of any swap can run first.
            var inventory = NoSingleMoveHelps(30 * 1024).Build();
            var rules = new ClusterRules { DefaultReservePercent = 0 };
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0 });
            Assert.Empty(plan.Steps);
            Assert.Equal(plan.ScoreBefore, plan.ScoreAfter);
        }

        private const long GB = 1024;

        /// <summary>
        /// h1 and h2 (4 CPUs, 16 GB) have every CPU busy, h1 with 12 GB, h2 with 4 GB; h3 (8 CPUs, 32 GB) has two CPUs
        /// free. Trading a (6 GB) for b (2 GB) evens memory out at the same CPU, but neither can move first, and the
        /// VMs of h3 are pinned there. a must stay apart from z1.
        /// </summary>
        internal static (ClusterInventory Inventory, ClusterRules Rules) FullHosts()
        {
            var inventory = new ClusterBuilder()
                .Host("h1", cpus: 4, memoryMB: 16 * GB).Host("h2", cpus: 4, memoryMB: 16 * GB).Host("h3", cpus: 8, memoryMB: 32 * GB)
                .VM("a", "h1", memoryMB: 6 * GB, vcpus: 2, cpuPercent: 100).VM("x", "h1", memoryMB: 6 * GB, vcpus: 2, cpuPercent: 100)
                .VM("b", "h2", memoryMB: 2 * GB, vcpus: 2, cpuPercent: 100).VM("y", "h2", memoryMB: 2 * GB, vcpus: 2, cpuPercent: 100)
                .VM("z1", "h3", memoryMB: 5 * GB, vcpus: 2, cpuPercent: 100).VM("z2", "h3", memoryMB: 5 * GB, vcpus: 2, cpuPercent: 100)
                .VM("z3", "h3", memoryMB: 5 * GB, vcpus: 2, cpuPercent: 100).Build();
            var rules = Rules(
                Rule("a-apart-from-z1", PlacementRuleKind.AntiAffinity, new[] { "a", "z1" }),
                Rule("z-on-h3", PlacementRuleKind.MustRunOn, new[] { "z1", "z2", "z3" }, new[] { "h3" }));
            return (inventory, rules);
        }

        [Fact]
        public void Swaps_two_VMs_between_full_hosts_through_a_host_with_room_when_staging_is_allowed()
        {
            var (inventory, rules) = FullHosts();
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0, AllowStaging = true });

            // b parks on h3 (a may not: z1 is there), a takes b's place on h2, b goes on to h1: three moves, three waves.
            Assert.Equal(new[] { ("b", "h2", "h3"), ("a", "h1", "h2"), ("b", "h3", "h1") }, plan.Steps.Select(s => (s.VMName, s.Source, s.Destination)));
            Assert.Equal(new[] { 1, 2, 3 }, plan.Steps.Select(s => s.Wave));
            Assert.Contains("Parks 'b' on h3", plan.Steps[0].Reason.Text);
            Assert.True(plan.ScoreAfter < plan.ScoreBefore / 1.5, $"{plan.ScoreBefore} -> {plan.ScoreAfter}");
            ReplayWaveByWave(inventory, rules, plan);
            PlanAssert.NoViolations(inventory, rules, plan);

            // Without staging no VM may move twice, and nothing else helps here.
            Assert.Empty(MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0 }).Steps);
        }

        [Fact]
        public void Balances_a_full_cluster_by_a_rotation_each_move_making_room_for_the_next()
        {
            // Each host has one CPU free and no single move or swap helps; the planner before chains left it as it was.
            var inventory = new ClusterBuilder()
                .Host("h1", cpus: 4, memoryMB: 16 * GB).Host("h2", cpus: 4, memoryMB: 16 * GB).Host("h3", cpus: 4, memoryMB: 16 * GB)
                .VM("v0", "h1", memoryMB: 6 * GB, vcpus: 1, cpuPercent: 100).VM("v1", "h1", memoryMB: 1 * GB, vcpus: 1, cpuPercent: 100)
                .VM("v2", "h1", memoryMB: 7 * GB, vcpus: 1, cpuPercent: 100)
                .VM("v3", "h2", memoryMB: 4 * GB, vcpus: 2, cpuPercent: 100).VM("v4", "h2", memoryMB: 6 * GB, vcpus: 1, cpuPercent: 100)
                .VM("v5", "h3", memoryMB: 2 * GB, vcpus: 2, cpuPercent: 100).VM("v6", "h3", memoryMB: 7 * GB, vcpus: 1, cpuPercent: 100).Build();
            var rules = new ClusterRules();
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0 });

            Assert.Equal(new[] { ("v2", "h1", "h3"), ("v4", "h2", "h1"), ("v6", "h3", "h2") }, plan.Steps.Select(s => (s.VMName, s.Source, s.Destination)));
            Assert.Equal(new[] { 1, 2, 3 }, plan.Steps.Select(s => s.Wave));
            Assert.True(plan.ScoreAfter < plan.ScoreBefore, $"{plan.ScoreBefore} -> {plan.ScoreAfter}");
            ReplayWaveByWave(inventory, rules, plan);
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        /// <summary>
        /// Runs the plan's waves against capacity: in a wave nothing may have left yet while everything may have
        /// arrived, so each host must hold what it had plus all its arrivals; and no anti-affinity pair ever meets.
        /// </summary>
        private static void ReplayWaveByWave(ClusterInventory inventory, ClusterRules rules, MigrationPlan plan)
        {
            var where = inventory.VMs.ToDictionary(v => v.Name, v => v.HostName);
            var vm = inventory.VMs.ToDictionary(v => v.Name);
            var apart = rules.Rules.Where(r => r.Kind == PlacementRuleKind.AntiAffinity).ToList();
            foreach (var wave in plan.Steps.GroupBy(s => s.Wave).OrderBy(w => w.Key))
            {
                foreach (var host in inventory.Hosts)
                {
                    var present = where.Where(p => p.Value == host.Name).Select(p => p.Key).Concat(wave.Where(s => s.Destination == host.Name).Select(s => s.VMName)).ToList();
                    Assert.True(present.Sum(n => vm[n].MemoryMB) <= host.MemoryMB, $"wave {wave.Key}: {host.Name} over its memory");
                    Assert.True(present.Sum(n => vm[n].VCpuCount * vm[n].CpuUsagePercent!.Value / 100) <= host.CpuCount + 1e-9, $"wave {wave.Key}: {host.Name} over its CPUs");
                    foreach (var rule in apart)
                        Assert.True(rule.VMs.Count(present.Contains) <= 1, $"wave {wave.Key}: rule {rule.Name} broken on {host.Name}");
                }
                foreach (var step in wave)
                {
                    Assert.Equal(step.Source, where[step.VMName]);
                    where[step.VMName] = step.Destination;
                }
            }
        }

        [Fact]
        public void Local_search_never_does_worse_than_the_greedy_and_stays_within_MaxMoves()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                options.Goal = PlanGoal.Balance;
                MigrationPlan plan;
                try { plan = MigrationPlanner.Plan(inventory, rules, options); }
                catch (VmMigration.Errors.MigrationException) { return; }
                Assert.True(plan.ScoreAfter <= plan.ScoreBefore + 1e-9, $"seed {seed}: {plan.ScoreBefore} -> {plan.ScoreAfter}");
                Assert.True(plan.Steps.Count <= options.MaxMoves, $"seed {seed}");
                Assert.Equal(plan.Steps.Count, plan.Steps.Select(s => s.VMName).Distinct().Count());
                PlanAssert.NoViolations(inventory, rules, plan);
            }, iter: 300);
        }
    }
}
