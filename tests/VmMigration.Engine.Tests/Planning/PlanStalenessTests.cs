using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Planning
{
    public class PlanStalenessTests
    {
        private static ClusterInventory Inventory() => new ClusterBuilder().Host("h1").Host("h2").Host("h3")
            .VM("a", "h1", memoryMB: 8192).VM("b", "h1", memoryMB: 8192).VM("c", "h2", memoryMB: 8192).Build();

        private static MigrationPlan EvacuateH1() =>
            MigrationPlanner.Plan(Inventory(), null, new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = { "h1" } });

        [Fact]
        public void A_staged_plan_is_fresh_before_half_way_and_after_and_stale_when_its_VM_went_elsewhere()
        {
            var (inventory, rules) = BalanceGoalTests.FullHosts();
            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { TargetScore = 0, AllowStaging = true });
            var parked = plan.Steps.GroupBy(s => s.VMName).Single(g => g.Count() == 2).ToList();
            string vm = parked[0].VMName;
            InventoryVM Of(ClusterInventory i) => i.VMs.Single(v => v.Name == vm);

            Assert.Empty(PlanStaleness.FindReasons(plan, inventory, rules));
            // Parked on its first step's destination, the rest of the plan still fits; so does the end.
            Of(inventory).HostName = parked[0].Destination;
            Assert.Empty(PlanStaleness.FindReasons(plan, inventory, rules));
            Of(inventory).HostName = parked[1].Destination;
            foreach (var step in plan.Steps.Where(s => s.VMName != vm)) inventory.VMs.Single(v => v.Name == step.VMName).HostName = step.Destination;
            Assert.Empty(PlanStaleness.FindReasons(plan, inventory, rules));

            var (fresh, _) = BalanceGoalTests.FullHosts();
            fresh.Hosts.Add(new InventoryHost { Name = "h4", CpuCount = 8, MemoryMB = 32768 });
            Of(fresh).HostName = "h4";
            Assert.Contains(PlanStaleness.FindReasons(plan, fresh, rules), r => r.Contains($"VM '{vm}' now runs on"));
        }

        [Fact]
        public void Replanning_uses_the_options_the_plan_was_made_with_even_after_a_round_trip_through_json()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").Host("h3")
                .VM("a", "h1", memoryMB: 8192, cpuPercent: 90).VM("b", "h1", memoryMB: 8192, cpuPercent: 90).VM("c", "h1", memoryMB: 8192, cpuPercent: 90).Build();
            var limited = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance, MaxMoves = 1 });
            Assert.Single(limited.Steps);
            var unlimited = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance });
            Assert.True(unlimited.Steps.Count > 1, "the test needs a cluster where more than one move helps");

            var again = PlanExecution.Replan(PlanJson.Parse(PlanJson.Serialize(limited)), inventory, null);

            Assert.Single(again.Steps);
            Assert.Equal(1, again.Options!.MaxMoves);
            Assert.Equal(inventory.SnapshotTime, again.CreatedAt);
        }

        [Fact]
        public void Replanning_a_consolidation_is_not_held_to_the_hosts_it_emptied_before()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").Host("h3")
                .VM("a", "h1", memoryMB: 2048).VM("b", "h2", memoryMB: 2048).VM("c", "h3", memoryMB: 2048).Build();
            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Consolidate });
            Assert.NotEmpty(plan.Hosts);
            Assert.Empty(plan.Options!.HostNames);

            var again = PlanExecution.Replan(plan, inventory, null);

            // Any host may be emptied again, as in the first plan: the hosts it emptied are its result, not a limit.
            Assert.Empty(again.Options!.HostNames);
            Assert.Equal(plan.Hosts, again.Hosts);
        }

        [Fact]
        public void An_unchanged_inventory_or_drifting_usage_is_not_stale()
        {
            var plan = EvacuateH1();
            Assert.Empty(PlanStaleness.FindReasons(plan, Inventory()));
            var drifted = Inventory();
            drifted.VMs.ForEach(v => { v.CpuUsagePercent = 90; v.DirtyRateMBps = 40; });
            PlanStaleness.ThrowIfStale(plan, drifted);
        }

        [Fact]
        public void A_half_executed_plan_is_not_stale()
        {
            var plan = EvacuateH1();
            var now = Inventory();
            var first = plan.Steps[0];
            now.VMs.Single(v => v.Name == first.VMName).HostName = first.Destination;
            Assert.Empty(PlanStaleness.FindReasons(plan, now));
        }

        [Fact]
        public void A_VM_gone_moved_or_grown_makes_it_stale()
        {
            var plan = EvacuateH1();
            var gone = Inventory();
            gone.VMs.RemoveAll(v => v.Name == "a");
            Assert.Contains("'a' no longer exists", PlanAssert.Throws(ErrorIds.PlanIsStale, () => PlanStaleness.ThrowIfStale(plan, gone)).Message);

            var moved = Inventory();
            var other = plan.Steps.Single(s => s.VMName == "b").Destination == "h2" ? "h3" : "h2";
            moved.VMs.Single(v => v.Name == "b").HostName = other;
            Assert.Contains(PlanStaleness.FindReasons(plan, moved), r => r.Contains("'b' now runs on"));

            var grown = Inventory();
            grown.VMs.Single(v => v.Name == "a").MemoryMB = 16384;
            Assert.Contains(PlanStaleness.FindReasons(plan, grown), r => r.Contains("grew"));
        }

        [Fact]
        public void A_destination_gone_in_maintenance_or_full_makes_it_stale()
        {
            var plan = EvacuateH1();
            string destination = plan.Steps[0].Destination;

            var gone = Inventory();
            gone.VMs.RemoveAll(v => v.HostName == destination);
            gone.Hosts.RemoveAll(h => h.Name == destination);
            Assert.Contains(PlanStaleness.FindReasons(plan, gone), r => r.Contains("no longer exists"));

            var maintenance = Inventory();
            maintenance.Hosts.Single(h => h.Name == destination).State = HostState.Maintenance;
            Assert.Contains(PlanStaleness.FindReasons(plan, maintenance), r => r.Contains("maintenance"));
            Assert.Contains(PlanStaleness.FindReasons(plan, Inventory(), new ClusterRules { MaintenanceHosts = { destination } }), r => r.Contains("maintenance"));

            var full = Inventory();
            full.VMs.Add(new InventoryVM { Name = "newcomer", HostName = destination, MemoryMB = 60000, VCpuCount = 1, CpuUsagePercent = 10 });
            Assert.Contains(PlanStaleness.FindReasons(plan, full), r => r.Contains($"Destination '{destination}' would need"));
        }
    }
}
