using System.Linq;
using VmMigration.Errors;
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
