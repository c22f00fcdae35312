using System.Linq;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    public class EvacuateGoalTests
    {
        private static PlanningOptions Evacuate(params string[] hosts) => new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = hosts.ToList() };

        private static ClusterBuilder ThreeHosts()
        {
            var cluster = new ClusterBuilder().Host("h1").Host("h2").Host("h3");
            for (int i = 0; i < 6; i++) cluster.VM($"a{i}", "h1", memoryMB: 4096 * (1 + i % 3));
            cluster.VM("b0", "h2", memoryMB: 16384).VM("c0", "h3");
            return cluster;
        }

        [Fact]
        public void Moves_every_VM_off_the_host_to_the_others()
        {
            var inventory = ThreeHosts().Build();
            var plan = MigrationPlanner.Plan(inventory, null, Evacuate("h1"));

            Assert.Equal(new[] { "h1" }, plan.Hosts);
            Assert.Equal(6, plan.Steps.Count);
            Assert.All(plan.Steps, s => Assert.Equal("h1", s.Source));
            Assert.All(plan.Steps, s => Assert.Equal(PlanReasonCodes.Evacuate, s.Reason.Code));
            Assert.Empty(plan.Unplaced);
            // The lighter h3 takes more memory than h2, which already carries 16 GB.
            long MovedTo(string host) => plan.Steps.Where(s => s.Destination == host).Sum(s => s.MemoryMB);
            Assert.True(MovedTo("h3") > MovedTo("h2"), $"h3 {MovedTo("h3")} MB, h2 {MovedTo("h2")} MB");
            PlanAssert.NoViolations(inventory, null, plan);
        }

        [Fact]
        public void Limits_migrations_per_host_per_wave()
        {
            var plan = MigrationPlanner.Plan(ThreeHosts().Build(), null, Evacuate("h1"));
            Assert.Equal(3, plan.WaveCount);
            Assert.All(plan.Steps.GroupBy(s => s.Wave), wave => Assert.Equal(2, wave.Count()));
            Assert.Equal(plan.Steps.Select(s => s.Order), Enumerable.Range(1, plan.Steps.Count));
        }

        [Fact]
        public void Unknown_host_is_HostNotFound()
        {
            var error = PlanAssert.Throws(ErrorIds.HostNotFound, () => MigrationPlanner.Plan(ThreeHosts().Build(), null, Evacuate("h9")));
            Assert.Contains("h9", error.Message);
        }

        [Fact]
        public void Evacuating_every_host_is_refused()
        {
            var rules = new ClusterRules { MaintenanceHosts = { "h3" } };
            PlanAssert.Throws(ErrorIds.CannotEvacuateAllHosts, () => MigrationPlanner.Plan(ThreeHosts().Build(), rules, Evacuate("h1", "h2")));
        }

        [Fact]
        public void A_VM_larger_than_any_host_is_reported_unplaced_and_the_rest_still_move()
        {
            var inventory = ThreeHosts().VM("huge", "h1", memoryMB: 65536).Build();
            var plan = MigrationPlanner.Plan(inventory, new ClusterRules { DefaultReservePercent = 10 }, Evacuate("h1"));
            var unplaced = Assert.Single(plan.Unplaced);
            Assert.Equal("huge", unplaced.VMName);
            Assert.Equal(ErrorIds.VmTooLarge, unplaced.Reason.Code);
            Assert.Equal(6, plan.Steps.Count);
        }

        [Fact]
        public void A_VM_with_no_room_anywhere_is_reported_with_the_reason()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16384)
                .VM("big", "h1", memoryMB: 12288).VM("other", "h2", memoryMB: 8192).Build();
            var plan = MigrationPlanner.Plan(inventory, null, Evacuate("h1"));
            Assert.Empty(plan.Steps);
            Assert.Equal(ErrorIds.NoEvacuationTarget, Assert.Single(plan.Unplaced).Reason.Code);
        }

        [Fact]
        public void A_VM_confined_to_the_evacuated_host_names_its_rule()
        {
            var rules = Rules(Rule("pinned", PlacementRuleKind.MustRunOn, new[] { "a0" }, new[] { "h1" }));
            var plan = MigrationPlanner.Plan(ThreeHosts().Build(), rules, Evacuate("h1"));
            var unplaced = Assert.Single(plan.Unplaced);
            Assert.Equal(ErrorIds.NoEvacuationTarget, unplaced.Reason.Code);
            Assert.Contains("pinned", unplaced.Reason.Text);
        }

        [Fact]
        public void Prefers_hosts_a_VM_should_run_on()
        {
            var rules = Rules(Rule("prefer-h2", PlacementRuleKind.ShouldRunOn, new[] { "a0", "a1", "a2" }, new[] { "h2" }));
            var plan = MigrationPlanner.Plan(ThreeHosts().Build(), rules, Evacuate("h1"));
            Assert.All(plan.Steps.Where(s => s.VMName == "a0" || s.VMName == "a1" || s.VMName == "a2"), s => Assert.Equal("h2", s.Destination));
        }

        [Fact]
        public void Anti_affinity_holds_during_every_wave()
        {
            var inventory = ThreeHosts().Build();
            var rules = Rules(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a0", "a1", "b0" }));
            var plan = MigrationPlanner.Plan(inventory, rules, Evacuate("h1"));
            var final = PlanAssert.FinalHosts(inventory, plan);
            // Largest first: a1 (8 GB) takes h3, the only host without b0; a0 has nowhere left.
            Assert.Equal("h3", final["a1"]);
            Assert.Equal("a0", Assert.Single(plan.Unplaced).VMName);
            PlanAssert.NoViolations(inventory, rules, plan);
        }
        /// <summary>h1 carries 48 GB to evacuate; h2 has room for 24 GB of it, h3 (larger, empty) for all of it.</summary>
        private static ClusterInventory H2WithRoomFor24GB() => new ClusterBuilder().Host("h1").Host("h2", memoryMB: 32768).Host("h3")
            .VM("a0", "h1", memoryMB: 16384).VM("a1", "h1", memoryMB: 16384).VM("a2", "h1", memoryMB: 8192).VM("a3", "h1", memoryMB: 8192)
            .VM("b0", "h2", memoryMB: 8192).Build();

        [Fact]
        public void Preferred_destinations_take_every_VM_they_have_room_for_and_the_rest_go_elsewhere()
        {
            // The even spread alone would give the emptier h3 more (see the test below).
            var inventory = H2WithRoomFor24GB();
            var options = Evacuate("h1");
            options.PreferredDestinations = new System.Collections.Generic.List<string> { "h2" };

            var plan = MigrationPlanner.Plan(inventory, null, options);

            Assert.Empty(plan.Unplaced);
            long MovedTo(string host) => plan.Steps.Where(s => s.Destination == host).Sum(s => s.MemoryMB);
            Assert.Equal(24576, MovedTo("h2"));   // all it can take within its memory: 8 GB of its own + 24 GB
            Assert.Equal(24576, MovedTo("h3"));
            Assert.All(plan.Steps.Where(s => s.Destination == "h2"), s => Assert.Contains("preferred for this plan", s.Reason.Text));
            Assert.Equal(plan.Options!.PreferredDestinations, options.PreferredDestinations);
            PlanAssert.NoViolations(inventory, null, plan);
        }

        [Fact]
        public void Without_preferred_destinations_the_same_cluster_spreads_evenly()
        {
            var inventory = H2WithRoomFor24GB();

            var plan = MigrationPlanner.Plan(inventory, null, Evacuate("h1"));

            Assert.True(plan.Steps.Where(s => s.Destination == "h3").Sum(s => s.MemoryMB) > 24576);
            Assert.DoesNotContain(plan.Steps, s => s.Reason.Text.Contains("preferred for this plan"));
        }

        [Fact]
        public void Preferred_destinations_are_for_the_Evacuate_goal_only()
        {
            var options = new PlanningOptions { Goal = PlanGoal.Balance, PreferredDestinations = new System.Collections.Generic.List<string> { "h2" } };
            var error = PlanAssert.Throws(ErrorIds.InvalidArgument, () => MigrationPlanner.Plan(ThreeHosts().Build(), null, options));
            Assert.Contains("PreferredDestinations", error.Message);
        }
    }
}
