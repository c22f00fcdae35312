using System;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    /// <summary>-MigrationNetwork: the stream goes to the destination's address in that network, or the move is refused before it starts.</summary>
    public sealed class MigrationNetworkTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost sourceHost;
        private readonly FakeHost destinationHost;
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;

        public MigrationNetworkTests()
        {
            sourceHost = cluster.AddHost("fake://net-a", "net-a");
            destinationHost = cluster.AddHost("fake://net-b", "net-b");
            source = new ConnectedHost("net-a", new HostUri("fake://net-a"), "Fake", sourceHost, null);
            // Connected with its two migration networks, as Connect-MigrationHost -MigrationAddress 10.20.0.12, fd00:30::12 does.
            destination = new ConnectedHost("net-b", new HostUri("fake://net-b"), "Fake", destinationHost, null, migrationAddresses: new[] { "10.20.0.12", "fd00:30::12" });
        }

        private MigrationResult Move(string? network)
        {
            var guest = sourceHost.AddGuest("web1");
            var request = new LiveMigrationRequest(new LocatedVM(source, guest), destination)
            {
                MigrationNetwork = network, Timeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(5),
            };
            return new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(CancellationToken.None);
        }

        [Fact]
        public void The_stream_goes_to_the_destinations_address_in_the_network_named()
        {
            var result = Move("fd00:30::/64");

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("tcp://[fd00:30::12]", sourceHost.LastParameters!.MigrationUri);
        }

        [Fact]
        public void Without_a_network_moves_go_to_the_first_address_the_host_was_connected_with()
        {
            var result = Move(null);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("tcp://10.20.0.12", sourceHost.LastParameters!.MigrationUri);
        }

        [Fact]
        public void A_destination_with_no_address_in_the_network_is_refused_naming_what_it_has_and_nothing_moves()
        {
            var result = Move("192.168.7.0/24");

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.MigrationNetworkUnreachable, result.ErrorId);
            Assert.Equal(MigrationPhase.Prepare, result.Phase);
            Assert.Contains("192.168.7.0/24", result.Message);
            Assert.Contains("10.20.0.12, fd00:30::12", result.Message);
            Assert.Null(sourceHost.LastParameters);
            Assert.NotNull(sourceHost.FindGuest("web1"));
            Assert.Null(destinationHost.FindGuest("web1"));
        }

        [Fact]
        public void A_hosts_known_addresses_include_its_migration_uri_and_an_ip_in_its_connection_uri_without_repeats()
        {
            var byUri = new ConnectedHost("c", new HostUri("qemu+tcp://10.1.0.5/system"), "Fake", cluster.AddHost("fake://net-c", "net-c"), "tcp://10.9.0.5",
                migrationAddresses: new[] { "10.9.0.5", "10.8.0.5" });

            Assert.Equal(new[] { "10.9.0.5", "10.8.0.5", "10.1.0.5" }, MigrationNetwork.KnownAddresses(byUri).Select(a => a.ToString()));
            Assert.Null(MigrationNetwork.TryParse("10.20.0.12"));
            Assert.Null(MigrationNetwork.TryParse("not-a-network/8"));
            Assert.NotNull(MigrationNetwork.TryParse("10.20.0.0/16"));
        }
    }
}
