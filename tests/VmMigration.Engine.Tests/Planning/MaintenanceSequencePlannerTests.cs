using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    /// <summary>A rolling maintenance planned before anything moves: the order, each turn's drain, every blocker.</summary>
    public class MaintenanceSequencePlannerTests
    {
        /// <summary>h1 carries four VMs, h2 and h3 one each: the order decides how often h1's VMs move.</summary>
        private static ClusterBuilder Lopsided() => new ClusterBuilder().Host("h1").Host("h2").Host("h3")
            .VM("a0", "h1").VM("a1", "h1").VM("a2", "h1").VM("a3", "h1").VM("b0", "h2").VM("c0", "h3");

        private static MaintenanceSequenceOptions Options(bool chooseOrder, bool vmsReturn, params string[] hosts) =>
            new MaintenanceSequenceOptions { Hosts = hosts.ToList(), ChooseOrder = chooseOrder, VMsReturn = vmsReturn };

        private static int Moves(MaintenanceSequence sequence) => sequence.Steps.Sum(s => s.Moves.Count);

        [Fact]
        public void The_given_order_is_kept_and_each_turn_drains_its_host_onto_the_others()
        {
            var sequence = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, Options(false, true, "h1", "h2", "h3"));

            Assert.Empty(sequence.Blockers);
            Assert.Equal(new[] { "h1", "h2", "h3" }, sequence.Order);
            Assert.All(sequence.Steps, step => Assert.All(step.Moves, m => { Assert.Equal(step.HostName, m.Source); Assert.NotEqual(step.HostName, m.Destination); }));
            // VMs come back after each turn, so each host drains only its own.
            Assert.Equal(new[] { 4, 1, 1 }, sequence.Steps.Select(s => s.Moves.Count));
        }

        [Fact]
        public void When_vms_stay_where_moved_a_vm_drained_from_a_host_not_done_goes_to_a_host_already_done()
        {
            var sequence = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, Options(false, false, "h2", "h1", "h3"));

            // h2's VM can only go to a host not done yet; from then on h2 is done and takes what it can.
            Assert.Equal(1, sequence.Steps[0].MovesToHostsNotDone);
            var h1Turn = sequence.Steps[1];
            Assert.All(h1Turn.Moves, m => Assert.Equal("h2", m.Destination));
            Assert.Equal(0, h1Turn.MovesToHostsNotDone);
        }

        [Fact]
        public void A_chosen_order_moves_fewer_vms_than_the_given_one_when_vms_stay_where_moved()
        {
            var given = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, Options(false, false, "h1", "h2", "h3"));
            var chosen = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, Options(true, false, "h1", "h2", "h3"));

            Assert.Empty(chosen.Blockers);
            Assert.Equal("h1", chosen.Order.Last());   // the loaded host last: its VMs land on hosts already done, once
            Assert.True(Moves(chosen) < Moves(given), $"chosen {Moves(chosen)} moves, given {Moves(given)}");
            Assert.Equal(0, chosen.Steps.Last().MovesToHostsNotDone);
        }

        [Fact]
        public void A_chosen_order_keeps_the_given_one_when_every_host_gets_its_vms_back()
        {
            var sequence = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, Options(true, true, "h1", "h2", "h3"));

            Assert.Equal(new[] { "h1", "h2", "h3" }, sequence.Order);
        }

        [Fact]
        public void The_first_host_stays_first_when_it_is_fixed()
        {
            var options = Options(true, false, "h1", "h2", "h3");
            options.FirstIsFixed = true;

            var sequence = MaintenanceSequencePlanner.Plan(Lopsided().Build(), null, options);

            Assert.Equal("h1", sequence.Order.First());
        }

        [Fact]
        public void Every_blocker_of_every_host_is_listed_and_the_hosts_that_can_be_drained_still_have_their_turn()
        {
            // h1's big VM fits on no other host; h2's pinned VM may run on h2 only; h3 can be drained.
            var inventory = new ClusterBuilder().Host("h1").Host("h2", memoryMB: 32768).Host("h3", memoryMB: 32768)
                .VM("big", "h1", memoryMB: 40960).VM("small", "h1").VM("pinned", "h2").VM("c0", "h3").Build();
            var rules = Rules(Rule("pin", PlacementRuleKind.MustRunOn, new[] { "pinned" }, new[] { "h2" }));

            var sequence = MaintenanceSequencePlanner.Plan(inventory, rules, Options(false, true, "h1", "h2", "h3"));

            Assert.Equal(new[] { "h3" }, sequence.Order);
            Assert.Equal(2, sequence.Blockers.Count);
            var big = Assert.Single(sequence.Blockers, b => b.HostName == "h1");
            Assert.Equal("big", big.VMName);
            Assert.Equal(ErrorIds.VmTooLarge, big.Code);
            var pinned = Assert.Single(sequence.Blockers, b => b.HostName == "h2");
            Assert.Equal("pinned", pinned.VMName);
            Assert.Equal(ErrorIds.NoEvacuationTarget, pinned.Code);
            Assert.Contains("pin", pinned.Message);
            Assert.Contains("h2: VM 'pinned': NoEvacuationTarget", pinned.ToString());
        }

        [Fact]
        public void A_host_that_does_not_answer_is_a_blocker_and_so_is_the_last_host_in_service()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2", state: HostState.Unreachable).VM("a0", "h1").Build();

            var sequence = MaintenanceSequencePlanner.Plan(inventory, null, Options(false, true, "h2", "h1"));

            Assert.Empty(sequence.Steps);
            Assert.Equal(ErrorIds.HostUnreachable, Assert.Single(sequence.Blockers, b => b.HostName == "h2").Code);
            Assert.Equal(ErrorIds.CannotEvacuateAllHosts, Assert.Single(sequence.Blockers, b => b.HostName == "h1").Code);
        }

        [Fact]
        public void A_host_already_done_is_a_destination_again_and_preferred()
        {
            var inventory = Lopsided().Host("h4", state: HostState.Maintenance).Build();
            var options = Options(false, false, "h4", "h1");
            options.Done = new List<string> { "h3" };

            var sequence = MaintenanceSequencePlanner.Plan(inventory, null, options);

            Assert.Equal(new[] { "h4", "h1" }, sequence.Order);
            // h4 (in maintenance for its turn, empty) is done after it; h1's VMs fill the done hosts h3 and h4 first.
            Assert.All(sequence.Steps[1].Moves, m => Assert.Contains(m.Destination, new[] { "h3", "h4" }));
        }
    }
}
