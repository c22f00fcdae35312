using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>A connection that died with its host (a reboot, a daemon restart) is opened again by the next call, the way it was first opened.</summary>
    public sealed class HostRegistryReconnectTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost fake;
        private readonly HostRegistry registry;
        private readonly HostCredential credential = new HostCredential("ops", "s3cret");

        public HostRegistryReconnectTests()
        {
            fake = cluster.AddHost("fake://a", "a");
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            registry.Connect(new HostUri("fake://a"), "a", credential, TimeSpan.FromSeconds(5), "tcp://127.0.0.1", CancellationToken.None);
        }

        [Fact]
        public void After_a_reboot_the_next_call_opens_a_new_connection_with_the_same_uri_credential_and_address()
        {
            var before = registry.Resolve("a");
            fake.GoDown();
            Assert.Equal(ErrorIds.HostUnreachable, Assert.Throws<MigrationException>(() => before.Connection.GetHostFacts()).ErrorId);
            fake.ComeBack();

            var after = registry.Resolve("a");

            Assert.Same(before, after);
            Assert.Equal("fake://a", after.Uri.Display);
            Assert.Equal("tcp://127.0.0.1", after.MigrationAddress);
            Assert.Same(credential, fake.LastCredential);
            Assert.Equal("a", after.Connection.GetHostFacts().Hostname);
        }

        [Fact]
        public void While_the_host_is_down_its_calls_fail_and_the_host_stays_registered()
        {
            var before = registry.Resolve("a");
            fake.GoDown();

            var error = Assert.Throws<MigrationException>(() => before.Connection.ListGuests());

            Assert.Equal(ErrorIds.HostUnreachable, error.ErrorId);
            Assert.Same(before, registry.Resolve("a"));
        }

        [Fact]
        public void A_rebooted_host_keeps_its_persistent_guests_shut_off_and_loses_its_transient_ones()
        {
            fake.AddGuest("kept");
            fake.Put(new GuestInfo { Name = "transient", Uuid = Guid.NewGuid().ToString(), State = VMState.Running, MemoryMB = 64, Persistent = false });
            fake.GoDown();
            fake.ComeBack();

            var guests = registry.Resolve("a").Connection.ListGuests();

            var kept = Assert.Single(guests);
            Assert.Equal("kept", kept.Name);
            Assert.Equal(VMState.ShutOff, kept.State);
        }
    }
}
