using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>A host whose connection died (it rebooted; keepalive closed it while it was frozen) is reached again without Connect-MigrationHost.</summary>
    public class HostLinkTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;

        public HostLinkTests()
        {
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            cluster.AddHost("fake://a", "a").AddGuest("vm1");
            registry.Connect(new HostUri("fake://a"), "a", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
        }

        [Fact]
        public void The_next_call_after_the_connection_died_opens_a_new_one_and_is_answered()
        {
            cluster["fake://a"].DropConnection();

            var guests = registry.Resolve("a").Connection.ListGuests();

            Assert.Equal("vm1", Assert.Single(guests).Name);
            Assert.Equal(2, cluster["fake://a"].Connections);
        }

        [Fact]
        public void A_live_connection_is_kept()
        {
            registry.Resolve("a").Connection.ListGuests();
            registry.Resolve("a").Connection.GetHostFacts();

            Assert.Equal(1, cluster["fake://a"].Connections);
        }

        [Fact]
        public void A_host_that_cannot_be_reached_again_fails_the_call_with_the_connect_error_and_is_tried_again_next_time()
        {
            registry.CallTimeout = TimeSpan.FromSeconds(1);
            cluster["fake://a"].DropConnection();
            cluster["fake://a"].ConnectDelay = TimeSpan.FromSeconds(10);

            var error = Assert.Throws<MigrationException>(() => registry.Resolve("a").Connection.ListGuests());
            Assert.Equal(ErrorIds.HostConnectTimeout, error.ErrorId);

            cluster["fake://a"].ConnectDelay = TimeSpan.Zero;
            Assert.Single(registry.Resolve("a").Connection.ListGuests());
        }

        [Fact]
        public void A_disconnected_host_is_not_opened_again()
        {
            var host = registry.Resolve("a");
            registry.Disconnect("a");
            cluster["fake://a"].DropConnection();

            Assert.Throws<MigrationException>(() => host.Connection.ListGuests());
            Assert.Equal(1, cluster["fake://a"].Connections);
        }
    }
}
