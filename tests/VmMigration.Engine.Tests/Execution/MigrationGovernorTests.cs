using System.Linq;
using VmMigration.Execution;
using Xunit;

namespace VmMigration.Tests.Execution
{
    public class MigrationGovernorTests
    {
        private static GovernedMove Move(string name, double dirtyMBps, string source = "a", string destination = "b")
            => new GovernedMove(name, source, destination, dirtyMBps);

        [Fact]
        public void Idle_and_hot_guests_run_together_while_every_need_fits_the_budget()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            governor.Started(Move("hot", 8));      // needs 12
            governor.Started(Move("warm", 4));     // needs 6

            Assert.True(governor.CanStart(Move("idle", 0)));     // 12 + 6 + 1 <= 32
            Assert.False(governor.CanStart(Move("hotter", 10))); // 12 + 6 + 15 > 32
        }

        [Fact]
        public void The_first_move_is_admitted_even_when_it_needs_more_than_the_budget_and_gets_all_of_it()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var huge = Move("huge", 40);

            Assert.True(governor.CanStart(huge));
            governor.Started(huge);

            Assert.Equal(32, governor.Shares()[huge]);
        }

        [Fact]
        public void Shares_hand_out_the_whole_budget_hot_guests_first_up_to_four_times_their_dirty_rate()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var hot = Move("hot", 4);
            var idle1 = Move("idle1", 0);
            var idle2 = Move("idle2", 0);
            foreach (var m in new[] { hot, idle1, idle2 }) governor.Started(m);

            var shares = governor.Shares();

            Assert.Equal(32, shares.Values.Sum());
            // needs 6 + 1 + 1 = 8; hot is raised to 16 (4 x 4); the 14 left go evenly to all three.
            Assert.InRange(shares[hot], 20, 21);
            Assert.InRange(shares[idle1], 5, 6);
            Assert.InRange(shares[idle2], 5, 6);
        }

        [Fact]
        public void A_candidate_gets_the_share_it_would_have_after_joining()
        {
            var governor = new MigrationGovernor(6, 6, 30);
            var first = Move("first", 0);
            governor.Started(first);
            var second = Move("second", 0);

            var shares = governor.Shares(second);

            Assert.Equal(15, shares[first]);
            Assert.Equal(15, shares[second]);
            Assert.Single(governor.Shares());
            Assert.Equal(30, governor.Shares()[first]);
        }

        [Fact]
        public void Without_a_budget_every_move_is_unlimited()
        {
            var governor = new MigrationGovernor(6, 6, 0);
            var m = Move("m", 100);
            governor.Started(m);

            Assert.True(governor.CanStart(Move("n", 100)));
            Assert.Equal(0, governor.Shares()[m]);
        }

        [Fact]
        public void Global_and_per_host_limits_hold_whatever_the_bandwidth()
        {
            var governor = new MigrationGovernor(2, 1, 0);
            governor.Started(Move("a1", 0, source: "a", destination: "b"));

            Assert.False(governor.CanStart(Move("a2", 0, source: "a", destination: "c")));  // source a is busy
            Assert.False(governor.CanStart(Move("x1", 0, source: "x", destination: "b")));  // destination b is busy
            Assert.True(governor.CanStart(Move("x2", 0, source: "x", destination: "c")));
            governor.Started(Move("x2", 0, source: "x", destination: "c"));
            Assert.False(governor.CanStart(Move("y", 0, source: "y", destination: "z")));    // two in flight
        }
    }
}
