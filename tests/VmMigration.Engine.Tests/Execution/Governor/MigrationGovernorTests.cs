using System;
using System.Linq;
using VmMigration.Execution.Governor;
using Xunit;

namespace VmMigration.Tests.Execution.Governor
{
    public class MigrationGovernorTests
    {
        private const long MiB = 1L << 20;

        private static GovernedMove Move(string name, double dirtyMBps = 0, long memoryMiB = 64, string source = "a", string destination = "b")
            => new GovernedMove(name, source, destination, dirtyMBps, memoryMiB * MiB);

        private static GovernedMove Transferring(GovernedMove move, long remainingMiB)
        {
            move.Progressed(1, remainingMiB * MiB);
            return move;
        }

        [Fact]
        public void The_next_move_starts_when_the_queued_link_work_is_no_longer_than_two_preparations()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var big = Move("big", memoryMiB: 320);
            governor.Started(big);

            // Two preparations (2 s each until one is seen) of lookahead: 4 s of link work, 128 MiB at 32 MiB/s.
            Assert.False(governor.CanStart(Move("next")));   // 320 MiB still to come: 10 s of link work
            Transferring(big, 160);
            Assert.False(governor.CanStart(Move("next")));   // 160 MiB left: 5 s
            Transferring(big, 120);
            Assert.True(governor.CanStart(Move("next")));    // 120 MiB left: 3.75 s
        }

        [Fact]
        public void Small_moves_prepare_side_by_side_while_their_link_work_fits_in_the_lookahead()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            governor.Started(Move("s1", memoryMiB: 40));
            governor.Started(Move("s2", memoryMiB: 40));
            governor.Started(Move("s3", memoryMiB: 40));

            Assert.True(governor.CanStart(Move("s4", memoryMiB: 40)));   // 120 MiB queued: 3.75 s
            governor.Started(Move("s4", memoryMiB: 40));
            Assert.False(governor.CanStart(Move("s5", memoryMiB: 40)));  // 160 MiB queued: 5 s
        }

        [Fact]
        public void A_slower_preparation_seen_in_this_run_starts_the_next_move_earlier()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var big = Transferring(Move("big", memoryMiB: 320), 320);
            governor.Started(big);
            Assert.False(governor.CanStart(Move("next")));   // 10 s of link work, over two 2 s preparations

            governor.ObservePrepare(TimeSpan.FromSeconds(8));

            Assert.Equal(TimeSpan.FromSeconds(8), governor.PrepareEstimate);
            Assert.True(governor.CanStart(Move("next")));
        }

        [Fact]
        public void A_move_joins_only_while_every_even_share_outruns_each_guests_dirty_rate_with_margin()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            governor.Started(Transferring(Move("warm", 5), 0));   // needs 7.5 MiB/s

            Assert.True(governor.CanStart(Move("idle")));         // 16 each
            Assert.False(governor.CanStart(Move("hot", 12)));     // 16 < 18
        }

        [Fact]
        public void The_first_move_is_admitted_even_when_it_needs_more_than_the_budget_and_gets_all_of_it()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var huge = Move("huge", 40, memoryMiB: 4096);

            Assert.True(governor.CanStart(huge));
            governor.Started(huge);

            Assert.Equal(32, governor.Shares()[huge]);
        }

        [Fact]
        public void The_budget_goes_to_the_transferring_moves_and_a_preparing_one_holds_one_mib_per_second()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var first = Move("first");
            var second = Move("second");
            governor.Started(first);
            governor.Started(second);
            Assert.All(governor.Shares().Values, share => Assert.Equal(16, share));   // nobody transfers yet

            Transferring(first, 40);
            var shares = governor.Shares();
            Assert.Equal(31, shares[first]);
            Assert.Equal(1, shares[second]);

            Transferring(second, 40);
            Assert.All(governor.Shares().Values, share => Assert.Equal(16, share));
            Assert.Equal(32, governor.Shares().Values.Sum());
        }

        [Fact]
        public void A_candidate_gets_the_share_it_would_start_with()
        {
            var governor = new MigrationGovernor(6, 6, 30);
            var first = Transferring(Move("first"), 10);
            governor.Started(first);

            var shares = governor.Shares(Move("second"));

            Assert.Equal(29, shares[first]);
            Assert.Equal(1, shares.Single(s => s.Key != first).Value);
            Assert.Equal(30, Assert.Single(governor.Shares()).Value);
        }

        [Fact]
        public void A_candidate_that_starts_holding_one_mib_per_second_expects_the_even_split_once_it_transfers()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            governor.Started(Transferring(Move("first"), 10));
            var second = Move("second");

            Assert.Equal(1, governor.Shares(second)[second]);
            Assert.Equal(16, governor.TransferShareFor(second));
            governor.Started(second);
            Assert.Equal(16, governor.TransferShareFor(second));
        }

        [Fact]
        public void Without_a_budget_every_move_is_unlimited_and_only_the_limits_apply()
        {
            var governor = new MigrationGovernor(6, 6, 0);
            var m = Move("m", 100, memoryMiB: 65536);
            governor.Started(m);

            Assert.True(governor.CanStart(Move("n", 100, memoryMiB: 65536)));
            Assert.Equal(0, governor.Shares()[m]);
        }

        [Fact]
        public void Global_and_per_host_limits_hold_whatever_the_bandwidth()
        {
            var governor = new MigrationGovernor(2, 1, 0);
            governor.Started(Move("a1", source: "a", destination: "b"));

            Assert.False(governor.CanStart(Move("a2", source: "a", destination: "c")));  // source a is busy
            Assert.False(governor.CanStart(Move("x1", source: "x", destination: "b")));  // destination b is busy
            Assert.True(governor.CanStart(Move("x2", source: "x", destination: "c")));
            governor.Started(Move("x2", source: "x", destination: "c"));
            Assert.False(governor.CanStart(Move("y", source: "y", destination: "z")));    // two in flight
        }
    }
}
