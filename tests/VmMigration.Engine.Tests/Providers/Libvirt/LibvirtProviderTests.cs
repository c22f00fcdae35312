using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>
    /// Runs against libvirt.so.0 itself with no daemon: libvirt's in-process test driver (test:///default, one guest
    /// named "test") and local sockets. End-to-end runs against real libvirtd hosts live in the Pester lab tests.
    /// </summary>
    public class LibvirtProviderTests
    {
        private const string TestDriverUri = "test:///default";
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
        private readonly LibvirtProvider provider = new LibvirtProvider();

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        public void Connecting_without_a_uri_is_refused_instead_of_guessing_a_default_host(string? uri)
        {
            var error = Assert.Throws<MigrationException>(() => provider.Connect(uri!, null, Timeout, CancellationToken.None));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
            Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
            Assert.Contains("qemu:///system", error.Message);
        }

        [Fact]
        public void The_provider_is_called_Libvirt() => Assert.Equal("Libvirt", provider.Name);

        [LibvirtFact]
        public void Host_facts_come_from_the_host()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);

            var facts = host.GetHostFacts();

            Assert.True(host.IsAlive);
            Assert.False(string.IsNullOrEmpty(facts.Hostname));
            Assert.True(facts.CpuCount > 0);
            Assert.True(facts.MemoryMB > 0);
            Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), facts.LibvirtVersion);
            Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), facts.HypervisorVersion);
            Assert.Equal("TEST", facts.HypervisorType, ignoreCase: true);
        }

        [LibvirtFact]
        public void A_guest_is_found_by_name_and_by_uuid_and_a_missing_one_is_null()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);

            var listed = host.ListGuests().Single(g => g.Name == "test");
            var byName = host.FindGuest("test");
            var byUuid = host.FindGuest(listed.Uuid);

            Assert.Equal(VMState.Running, listed.State);
            Assert.True(listed.MemoryMB > 0);
            Assert.True(listed.VCpuCount > 0);
            Assert.Equal(listed.Uuid, byName!.Uuid);
            Assert.Equal("test", byUuid!.Name);
            Assert.Null(host.FindGuest("no-such-guest"));
            Assert.Null(host.FindGuest(Guid.NewGuid().ToString()));
        }

        [LibvirtFact]
        public void A_defined_guest_runs_powers_off_and_is_undefined_without_a_trace()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);
            var name = "unit-" + Guid.NewGuid().ToString("N").Substring(0, 8);

            var started = host.DefineAndStartGuest(LibvirtDomainDefinition.Read($"<domain type='test'><name>{name}</name><memory unit='MiB'>64</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>"));
            Assert.Equal(VMState.Running, started.State);
            Assert.Equal(64, started.MemoryMB);
            Assert.Equal(2, started.VCpuCount);
            Assert.True(started.Persistent);
            Assert.Equal(name, host.GetLiveGuestDefinition(name).Name);

            host.DestroyGuest(name);
            Assert.Equal(VMState.ShutOff, host.FindGuest(name)!.State);
            host.DestroyGuest(name); // not running any more: left as it is

            host.UndefineGuest(name);
            Assert.Null(host.FindGuest(name));
        }

        [LibvirtFact]
        public void Defining_a_guest_over_an_existing_one_is_refused_and_leaves_it_untouched()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);
            var before = host.FindGuest("test")!;

            var error = Assert.Throws<MigrationException>(() =>
                host.DefineAndStartGuest(LibvirtDomainDefinition.Read("<domain type='test'><name>test</name><memory unit='MiB'>32</memory><os><type>hvm</type></os></domain>")));

            Assert.Equal(ErrorIds.VmExistsOnDestination, error.ErrorId);
            Assert.Equal(ErrorKind.ResourceExists, error.Kind);
            var after = host.FindGuest("test")!;
            Assert.Equal(before.Uuid, after.Uuid);
            Assert.Equal(before.MemoryMB, after.MemoryMB);
            Assert.Equal(VMState.Running, after.State);
        }

        [Fact]
        public void A_missing_libvirt_library_says_which_package_to_install()
        {
            var error = LibvirtLibrary.NotInstalled(new DllNotFoundException("libvirt.so.0: cannot open shared object file"));

            Assert.Equal(ErrorIds.LibvirtNotInstalled, error.ErrorId);
            Assert.Equal(ErrorKind.NotInstalled, error.Kind);
            Assert.Contains("libvirt0", error.Message);
            Assert.Contains("libvirt.so.0", error.Message);
        }

        [LibvirtFact]
        public void Malformed_domain_xml_is_an_invalid_argument()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);

            var error = Assert.Throws<MigrationException>(() => host.DefineAndStartGuest(LibvirtDomainDefinition.Read("<domain><name>x</name>")));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
        }

        [LibvirtFact]
        public void Calls_on_a_missing_guest_say_VmNotFound_and_name_it()
        {
            using var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);

            var xml = Assert.Throws<MigrationException>(() => host.GetLiveGuestDefinition("ghost-vm"));
            var migrate = Assert.Throws<MigrationException>(() => host.MigrateLive("ghost-vm", "qemu+ssh://elsewhere/system", new LiveMigrationParameters()));

            Assert.Equal(ErrorIds.VmNotFound, xml.ErrorId);
            Assert.Equal(ErrorKind.ObjectNotFound, xml.Kind);
            Assert.Contains("ghost-vm", xml.Message);
            Assert.Contains(TestDriverUri, xml.Message);
            Assert.Equal(ErrorIds.VmNotFound, migrate.ErrorId);
        }

        [LibvirtFact]
        public void A_closed_connection_is_not_alive_and_refuses_further_calls()
        {
            var host = provider.Connect(TestDriverUri, null, Timeout, CancellationToken.None);

            host.Dispose();
            host.Dispose();

            Assert.False(host.IsAlive);
            Assert.Throws<ObjectDisposedException>(() => host.ListGuests());
            Assert.Throws<ObjectDisposedException>(() => host.FindGuest("test"));
            Assert.Throws<ObjectDisposedException>(() => host.GetJobProgress("test"));
        }

        [LibvirtFact]
        public void A_silent_host_times_out_within_the_timeout_and_the_message_names_uri_and_timeout()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start(); // the kernel accepts; nobody ever answers
            try
            {
                var uri = $"qemu+tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/system";
                var clock = Stopwatch.StartNew();

                var error = Assert.Throws<MigrationException>(() => provider.Connect(uri, null, TimeSpan.FromSeconds(1), CancellationToken.None));

                Assert.Equal(ErrorIds.HostConnectTimeout, error.ErrorId);
                Assert.Equal(ErrorKind.OperationTimeout, error.Kind);
                Assert.Contains(uri, error.Message);
                Assert.Contains("1 s", error.Message);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            }
            finally
            {
                silent.Stop();
            }
        }

        [LibvirtFact]
        public void Cancelling_stops_waiting_for_a_silent_host()
        {
            var silent = new TcpListener(IPAddress.Loopback, 0);
            silent.Start();
            try
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                var uri = $"qemu+tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/system";

                Assert.ThrowsAny<OperationCanceledException>(() => provider.Connect(uri, null, TimeSpan.FromMinutes(5), cancel.Token));
            }
            finally
            {
                silent.Stop();
            }
        }

        [LibvirtFact]
        public void A_missing_socket_is_an_unreachable_host_reported_at_once()
        {
            var uri = "qemu+unix:///system?socket=/nonexistent/" + Guid.NewGuid().ToString("N") + "/libvirt-sock";
            var clock = Stopwatch.StartNew();

            var error = Assert.Throws<LibvirtException>(() => provider.Connect(uri, null, Timeout, CancellationToken.None));

            Assert.Equal(ErrorIds.HostUnreachable, error.ErrorId);
            Assert.Equal(ErrorKind.ConnectionError, error.Kind);
            Assert.Contains(uri, error.Message);
            Assert.Contains("No such file or directory", error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        }

        [LibvirtFact]
        public void A_password_in_the_credential_or_uri_never_appears_in_a_connect_error()
        {
            var error = Assert.Throws<LibvirtException>(() =>
                provider.Connect("qemu+tcp://ops:UriSecret@127.0.0.1:1/system", new HostCredential("ops", "CredSecret"), Timeout, CancellationToken.None));

            Assert.Equal(ErrorIds.HostUnreachable, error.ErrorId);
            Assert.DoesNotContain("UriSecret", error.Message);
            Assert.DoesNotContain("CredSecret", error.Message);
            Assert.DoesNotContain("UriSecret", error.LibvirtMessage);
        }
    }
}
