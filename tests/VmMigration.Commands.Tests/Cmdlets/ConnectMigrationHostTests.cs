using System;
using System.Linq;
using VmMigration.Session;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Connect-MigrationHost against fake hosts: what it writes for each URI, and which failures stop it.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class ConnectMigrationHostTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public void Dispose() => session.Dispose();

        [Fact]
        public void Each_connected_host_is_written_with_its_name_provider_and_capacity()
        {
            session.AddHost("host1", freeMemoryMB: 4096);
            session.AddHost("host2");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://host1', 'fake://host2'");

            Assert.Empty(run.Errors);
            var hosts = run.Objects<MigrationHost>();
            Assert.Equal(new[] { "host1", "host2" }, hosts.Select(h => h.Name));
            Assert.All(hosts, h => Assert.Equal("Fake", h.Provider));
            Assert.All(hosts, h => Assert.Equal(HostState.Connected, h.State));
            Assert.Equal(4096, hosts[0].FreeMemoryMB);
            Assert.Equal(new[] { "host1", "host2" }, HostRegistry.Default.Hosts.Select(h => h.Name));
        }

        [Fact]
        public void Uris_piped_in_connect_like_uris_given_as_a_parameter()
        {
            session.AddHost("host1");
            session.AddHost("host2");

            var run = session.Run("'fake://host1', 'fake://host2' | Connect-MigrationHost");

            Assert.Equal(new[] { "host1", "host2" }, run.Objects<MigrationHost>().Select(h => h.Name));
        }

        [Fact]
        public void A_host_that_cannot_be_reached_is_a_non_terminating_HostUnreachable_and_the_others_connect()
        {
            session.AddHost("host1");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://ghost', 'fake://host1'");

            var error = Assert.Single(run.Errors);
            Assert.Equal("HostUnreachable,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Equal("fake://ghost", error.TargetObject);
            Assert.Equal("host1", Assert.Single(run.Objects<MigrationHost>()).Name);
        }

        [Fact]
        public void A_host_that_does_not_answer_within_TimeoutSec_is_HostConnectTimeout()
        {
            session.AddHost("slow").ConnectDelay = TimeSpan.FromSeconds(5);

            var run = session.Run("Connect-MigrationHost -Uri 'fake://slow' -TimeoutSec 2");

            Assert.Equal("HostConnectTimeout,VmMigration.Commands.ConnectMigrationHostCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Empty(HostRegistry.Default.Hosts);
        }

        [Fact]
        public void A_name_taken_by_a_host_at_another_uri_is_refused_with_HostAlreadyConnected()
        {
            session.Connect("host1");
            session.AddHost("host2");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://host2' -Name host1");

            var error = Assert.Single(run.Errors);
            Assert.Equal("HostAlreadyConnected,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Contains("fake://host1", error.Exception.Message);
            Assert.Equal("fake://host1", HostRegistry.Default.Resolve("host1").Uri.Display);
        }

        [Fact]
        public void A_host_connected_with_its_migration_addresses_shows_them_and_receives_moves_on_the_first()
        {
            session.AddHost("host1");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://host1' -MigrationAddress 10.20.0.12, fd00:30::12");

            Assert.Empty(run.Errors);
            var host = Assert.Single(run.Objects<MigrationHost>());
            Assert.Equal(new[] { "10.20.0.12", "fd00:30::12" }, host.MigrationAddresses);
            Assert.Equal("tcp://10.20.0.12", host.MigrationAddress);
        }

        [Fact]
        public void A_migration_address_that_is_not_an_ip_address_is_refused_before_anything_connects()
        {
            session.AddHost("host1");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://host1' -MigrationAddress 'tcp://10.20.0.12:49152'");

            var error = Assert.Single(run.Errors);
            Assert.Equal("InvalidArgument,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Contains("is not an IP address", error.Exception.Message);
            Assert.Empty(HostRegistry.Default.Hosts);
        }

        [Fact]
        public void A_tcp_uri_is_warned_about_naming_ssh_and_tls_instead_and_showing_no_password()
        {
            // Nothing listens on port 1 of the loopback: the warning is written, then the connect fails at once.
            var run = session.Run("Connect-MigrationHost -Uri 'qemu+tcp://ops:S3cret-pw@127.0.0.1:1/system' -TimeoutSec 2");

            Assert.Equal(new[]
            {
                "qemu+tcp://ops:***@127.0.0.1:1/system uses libvirt's tcp transport, which is not encrypted and, unless the host's libvirtd requires SASL, " +
                "not authenticated: anyone who can reach its port can control the hypervisor, as root through /system. Connect with qemu+ssh:// or qemu+tls:// instead.",
            }, run.Warnings);
            Assert.Equal("qemu+tcp://ops:***@127.0.0.1:1/system", Assert.Single(run.Errors).TargetObject);
        }

        [Fact]
        public void A_uri_of_another_transport_is_not_warned_about()
        {
            session.AddHost("host1");

            var run = session.Run("Connect-MigrationHost -Uri 'fake://host1'");

            Assert.Empty(run.Errors);
            Assert.Empty(run.Warnings);
        }

        [Fact]
        public void A_host_written_with_a_password_shows_its_uri_masked_and_piped_back_in_is_the_same_host()
        {
            session.Cluster.AddHost("fake://ops:S3cret-pw@host1/system", "host1");
            var connected = Assert.Single(session.Run("Connect-MigrationHost -Uri 'fake://ops:S3cret-pw@host1/system'").Objects<MigrationHost>());

            var run = session.Run("Get-MigrationHost | Connect-MigrationHost");

            Assert.Equal("fake://ops:***@host1/system", connected.Uri);
            Assert.Empty(run.Errors);
            var again = Assert.Single(run.Objects<MigrationHost>());
            Assert.Equal(("host1", "fake://ops:***@host1/system"), (again.Name, again.Uri));
            Assert.Equal("fake://ops:S3cret-pw@host1/system", HostRegistry.Default.Resolve("host1").Uri.ForConnecting);
        }

        [Fact]
        public void Name_with_several_uris_is_a_bad_invocation_that_connects_nothing()
        {
            session.AddHost("host1");
            session.AddHost("host2");

            var error = session.Shell.ErrorThatStops("Connect-MigrationHost -Uri 'fake://host1', 'fake://host2' -Name both");

            Assert.Equal("InvalidArgument,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Empty(HostRegistry.Default.Hosts);
        }
    }
}
