using System.Collections.Generic;
using System.Linq;
using VmMigration.Execution.Governor;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Governor
{
    public class BandwidthSharesTests
    {
        private readonly FakeHost host;
        private readonly ConnectedHost source;
        private readonly BandwidthShares shares = new BandwidthShares();
        private readonly GovernedMove move = new GovernedMove("web1", "a", "b", 0);

        public BandwidthSharesTests()
        {
            host = new FakeCluster().AddHost("fake://a", "a");
            source = new ConnectedHost("a", new HostUri("fake://a"), "Fake", host, null);
        }

        private List<string> BandwidthCalls() => host.Calls.Where(c => c.StartsWith("Bandwidth")).ToList();

        [Fact]
        public void A_new_share_waits_until_the_move_transfers_then_is_applied_once()
        {
            shares.Started(move, source, 32);

            shares.Apply(new Dictionary<GovernedMove, long> { [move] = 16 });
            Assert.Empty(BandwidthCalls());

            move.Progressed(1, 0);
            shares.Apply(new Dictionary<GovernedMove, long> { [move] = 16 });
            shares.Apply(new Dictionary<GovernedMove, long> { [move] = 16 });
            Assert.Equal(new[] { "Bandwidth 16" }, BandwidthCalls());
        }

        [Fact]
        public void The_share_a_move_started_with_is_not_set_again()
        {
            shares.Started(move, source, 32);
            move.Progressed(1, 0);

            shares.Apply(new Dictionary<GovernedMove, long> { [move] = 32 });

            Assert.Empty(BandwidthCalls());
        }

        [Fact]
        public void A_finished_move_is_left_alone()
        {
            shares.Started(move, source, 32);
            move.Progressed(1, 0);
            shares.Finished(move);

            shares.Apply(new Dictionary<GovernedMove, long> { [move] = 8 });

            Assert.Empty(BandwidthCalls());
        }
    }
}
