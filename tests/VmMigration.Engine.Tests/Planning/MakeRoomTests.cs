using System.Linq;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;
using VmMigration.Errors;

namespace VmMigration.Tests.Planning
{
    /// <summary>Evacuate moves other VMs to make room for one that fits nowhere, and says so; memory in GB, no reserve.</summary>
    public class MakeRoomTests
    {
        private const long GB = 1024;
        private static readonly ClusterRules NoReserve = new ClusterRules();

        private static PlanningOptions Evacuate(string host, bool allowStaging = false) =>
            new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = { host }, AllowStaging = allowStaging };

        private static ClusterRules Pinned(params (string VM, string Host)[] pins) =>
            Rules(pins.Select(p => Rule($"{p.VM}-stays", PlacementRuleKind.MustRunOn, new[] { p.VM }, new[] { p.Host })).ToArray());

        private static ClusterRules With(ClusterRules rules, params PlacementRule[] more)
        {
            rules.Rules.AddRange(more);
            return rules;
        }

        [Fact]
        public void A_VM_that_fits_only_after_another_moves_is_placed_after_the_make_room_step()
        {
            // big (10) fits on neither h2 (8 free) nor h3 (6 free); y (4) moving from h3 to h2 frees 10 on h3.
            // w (6) would do as well but moves more bytes.
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB)
                .VM("big", "h1", memoryMB: 10 * GB)
                .VM("x", "h2", memoryMB: 8 * GB)
                .VM("y", "h3", memoryMB: 4 * GB).VM("w", "h3", memoryMB: 6 * GB).Build();
            var plan = MigrationPlanner.Plan(inventory, NoReserve, Evacuate("h1"));

            Assert.Empty(plan.Unplaced);
            Assert.Equal(new[] { "y", "big" }, plan.Steps.Select(s => s.VMName));
            var room = plan.Steps[0];
            Assert.Equal(("h3", "h2"), (room.Source, room.Destination));
            Assert.Equal(PlanReasonCodes.MakeRoom, room.Reason.Code);
            Assert.Contains("'big'", room.Reason.Text);
            var evacuation = plan.Steps[1];
            Assert.Equal(("h1", "h3"), (evacuation.Source, evacuation.Destination));
            Assert.Equal(PlanReasonCodes.Evacuate, evacuation.Reason.Code);
            Assert.True(evacuation.Wave > room.Wave, $"make-room wave {room.Wave}, evacuation wave {evacuation.Wave}");
            PlanAssert.NoViolations(inventory, NoReserve, plan);
        }

        [Fact]
        public void Without_make_room_moves_the_VM_stays_unplaced_as_before()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB)
                .VM("big", "h1", memoryMB: 10 * GB).VM("x", "h2", memoryMB: 8 * GB).VM("y", "h3", memoryMB: 4 * GB).VM("w", "h3", memoryMB: 6 * GB).Build();
            var options = Evacuate("h1");
            options.MoveOnlyEvacuatedVMs = true;
            var plan = MigrationPlanner.Plan(inventory, NoReserve, options);
            Assert.Empty(plan.Steps);
            Assert.Equal("big", Assert.Single(plan.Unplaced).VMName);
        }

        [Fact]
        public void A_chain_of_two_moves_makes_room_in_the_order_it_runs()
        {
            // big may go to h3 only once v leaves it; v fits only on h2, and only once w has gone from h2 to h4.
            // p, q and r are pinned; big must not run on h2 (else moving w alone would do).
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB).Host("h4", memoryMB: 16 * GB)
                .VM("big", "h1", memoryMB: 10 * GB)
                .VM("w", "h2", memoryMB: 4 * GB).VM("q", "h2", memoryMB: 6 * GB)
                .VM("v", "h3", memoryMB: 8 * GB).VM("p", "h3", memoryMB: 6 * GB)
                .VM("r", "h4", memoryMB: 10 * GB).Build();
            var rules = With(Pinned(("p", "h3"), ("q", "h2"), ("r", "h4")), Rule("big-not-h2", PlacementRuleKind.MustNotRunOn, new[] { "big" }, new[] { "h2" }));
            var plan = MigrationPlanner.Plan(inventory, rules, Evacuate("h1"));

            Assert.Empty(plan.Unplaced);
            var steps = plan.Steps.Select(s => (s.VMName, s.Source, s.Destination)).ToList();
            Assert.Equal(new[] { ("w", "h2", "h4"), ("v", "h3", "h2"), ("big", "h1", "h3") }, steps);
            Assert.All(plan.Steps.Take(2), s => Assert.Equal(PlanReasonCodes.MakeRoom, s.Reason.Code));
            Assert.All(plan.Steps.Take(2), s => Assert.Contains("'big'", s.Reason.Text));
            Assert.Equal(new[] { 1, 2, 3 }, plan.Steps.Select(s => s.Wave));
            Assert.Contains("2 move(s) of other VMs", plan.Steps[2].Reason.Text);
            PlanAssert.NoViolations(inventory, rules, plan);
        }

        [Fact]
        public void A_rule_that_blocks_every_chain_is_named_in_the_reason()
        {
            // big (10) fits nowhere (8 free on each); moving v or y would free room, but they must stay apart and
            // the only place for either is the other's host.
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB)
                .VM("big", "h1", memoryMB: 10 * GB).VM("v", "h2", memoryMB: 8 * GB).VM("y", "h3", memoryMB: 8 * GB).Build();
            var rules = Rules(Rule("db-apart", PlacementRuleKind.AntiAffinity, new[] { "v", "y" }));
            var plan = MigrationPlanner.Plan(inventory, rules, Evacuate("h1"));

            Assert.Empty(plan.Steps);
            var unplaced = Assert.Single(plan.Unplaced);
            Assert.Equal("big", unplaced.VMName);
            Assert.Equal(ErrorIds.NoEvacuationTarget, unplaced.Reason.Code);
            Assert.Contains("'db-apart'", unplaced.Reason.Text);
            Assert.Contains("no sequence of up to", unplaced.Reason.Text);
        }

        [Fact]
        public void A_VM_that_must_move_twice_needs_staging()
        {
            // u1 and u2 (8 each) fit nowhere. For u1 (not allowed on h3) v leaves h2 for h3, the better-balanced of
            // the hosts with room, and u1 takes h2. u2, allowed only on h3, then fits there only if v leaves h3 again
            // (for h4) together with w: a second move of v. Equal sizes, so every order the planner tries is this one.
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB).Host("h4", memoryMB: 16 * GB)
                .VM("u1", "h1", memoryMB: 8 * GB).VM("u2", "h1", memoryMB: 8 * GB)
                .VM("v", "h2", memoryMB: 4 * GB).VM("p", "h2", memoryMB: 5 * GB)
                .VM("q", "h3", memoryMB: 6 * GB).VM("w", "h3", memoryMB: 3 * GB)
                .VM("r", "h4", memoryMB: 10 * GB).Build();
            var rules = With(Pinned(("p", "h2"), ("q", "h3"), ("r", "h4")),
                Rule("u1-not-h3", PlacementRuleKind.MustNotRunOn, new[] { "u1" }, new[] { "h3" }),
                Rule("u2-on-h3", PlacementRuleKind.MustRunOn, new[] { "u2" }, new[] { "h3" }));

            var once = MigrationPlanner.Plan(inventory, rules, Evacuate("h1"));
            var stranded = Assert.Single(once.Unplaced);
            Assert.Equal("u2", stranded.VMName);
            Assert.Contains("-AllowStaging", stranded.Reason.Text);
            Assert.Equal(once.Steps.Count, once.Steps.Select(s => s.VMName).Distinct().Count());
            PlanAssert.NoViolations(inventory, rules, once);

            var staged = MigrationPlanner.Plan(inventory, rules, Evacuate("h1", allowStaging: true));
            Assert.Empty(staged.Unplaced);
            var final = PlanAssert.FinalHosts(inventory, staged);
            Assert.Equal(("h2", "h3", "h4", "h2"), (final["u1"], final["u2"], final["v"], final["w"]));
            var vMoves = staged.Steps.Where(s => s.VMName == "v").ToList();
            Assert.Equal(new[] { ("h2", "h3"), ("h3", "h4") }, vMoves.Select(s => (s.Source, s.Destination)));
            Assert.True(vMoves[1].Wave > vMoves[0].Wave, "the second move of v waits for the first");
            Assert.Contains("staging", vMoves[1].Reason.Text);
            PlanAssert.NoViolations(inventory, rules, staged);
        }

        [Fact]
        public void An_evacuated_VM_gives_its_first_destination_up_before_another_VM_moves()
        {
            // a (8) lands on h2 first (more even); b (7), allowed only on h2, then fits only if a goes to h3 instead.
            // Sending a elsewhere costs no move, so x, which could have made room too, stays.
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 16 * GB).Host("h3", memoryMB: 16 * GB)
                .VM("a", "h1", memoryMB: 8 * GB).VM("b", "h1", memoryMB: 7 * GB)
                .VM("x", "h2", memoryMB: 2 * GB).VM("y", "h3", memoryMB: 6 * GB).Build();
            var rules = Rules(Rule("b-on-h2", PlacementRuleKind.MustRunOn, new[] { "b" }, new[] { "h2" }));
            var plan = MigrationPlanner.Plan(inventory, rules, Evacuate("h1"));

            Assert.Empty(plan.Unplaced);
            Assert.All(plan.Steps, s => Assert.Equal("h1", s.Source));
            var final = PlanAssert.FinalHosts(inventory, plan);
            Assert.Equal(("h2", "h3"), (final["b"], final["a"]));
            Assert.Contains("make room for 'b'", plan.Steps.Single(s => s.VMName == "a").Reason.Text);
            Assert.Contains("give up their places", plan.Steps.Single(s => s.VMName == "b").Reason.Text);
            PlanAssert.NoViolations(inventory, rules, plan);
        }
    }
}
