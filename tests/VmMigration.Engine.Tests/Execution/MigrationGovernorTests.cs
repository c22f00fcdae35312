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
        public void A_move_joins_only_while_every_even_share_outruns_each_guests_dirty_rate_with_margin()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            governor.Started(Move("warm", 5));     // needs 7.5 MiB/s

            Assert.True(governor.CanStart(Move("idle", 0)));      // 16 each
            Assert.False(governor.CanStart(Move("hot", 12)));     // 16 < 18
            governor.Started(Move("idle", 0));
            governor.Started(Move("idle2", 0));
            governor.Started(Move("idle3", 0));                   // 8 each
            Assert.False(governor.CanStart(Move("idle4", 0)));    // 6.4 each: too little for warm
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
        public void Shares_split_the_whole_budget_evenly()
        {
            var governor = new MigrationGovernor(6, 6, 32);
            var moves = new[] { Move("m1", 0), Move("m2", 1), Move("m3", 2) };
            foreach (var m in moves) governor.Started(m);

            var shares = governor.Shares();

            Assert.Equal(32, shares.Values.Sum());
            Assert.All(moves, m => Assert.InRange(shares[m], 10, 11));
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
            Assert.Equal(30, Assert.Single(governor.Shares()).Value);
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
