using System;
using VmMigration.Execution;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution
{
    public class ColdMoveTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost sourceHost;
        private readonly FakeHost destinationHost;
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;

        public ColdMoveTests()
        {
            sourceHost = cluster.AddHost("fake://a", "a");
            destinationHost = cluster.AddHost("fake://b", "b");
            source = new ConnectedHost("a", "fake://a", "Fake", sourceHost, null);
            destination = new ConnectedHost("b", "fake://b", "Fake", destinationHost, null);
        }

        private GuestInfo StoppedGuest(string devices)
        {
            var guest = sourceHost.AddGuest("cold1", VMState.ShutOff);
            sourceHost.DefinitionXml["cold1"] = $"<domain type='qemu'><name>cold1</name><uuid>{guest.Uuid}</uuid><devices>{devices}</devices></domain>";
            return guest;
        }

        [Fact]
        public void A_stopped_vm_without_disks_moves_its_definition_and_is_defined_on_one_host_only()
        {
            var guest = StoppedGuest("<serial type='pty'/>");

            var result = ColdMove.Run(source, destination, guest, TimeSpan.FromSeconds(5), default);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("b", result.RunningOn);
            Assert.Null(sourceHost.FindGuest("cold1"));
            Assert.NotNull(destinationHost.FindGuest("cold1"));
        }

        [Fact]
        public void A_stopped_vm_with_local_disks_is_refused_and_left_where_it_is()
        {
            var guest = StoppedGuest("<disk type='file' device='disk'><source file='/pool/cold1.qcow2'/><target dev='vda'/></disk>");

            var result = ColdMove.Run(source, destination, guest, TimeSpan.FromSeconds(5), default);

            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.Equal(ColdMove.ColdMoveNeedsStorage, result.ErrorId);
            Assert.NotNull(sourceHost.FindGuest("cold1"));
            Assert.Null(destinationHost.FindGuest("cold1"));
        }
    }
}
