using System;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Clone;
using VmMigration.Execution.Cold;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Storage
{
    /// <summary>
    /// A disk that is an overlay (a backing chain, as a linked clone's disk is), through each command that copies disks: fine
    /// where the copy flattens the chain or stays on the host that has it, refused where a byte stream would take the overlay
    /// to a host without its backing file.
    /// </summary>
    public class BackingChainPlacementTests
    {
        private const long MiB = 1L << 20;
        private const string Base = "/pools/lab/base.qcow2";
        private const string Overlay = "/pools/lab/web1.qcow2";
        private readonly TwoFakeHosts hosts = new TwoFakeHosts();
        private FakeHost A => hosts.A;
        private FakeHost B => hosts.B;
        private ConnectedHost HostA => hosts.HostA;
        private ConnectedHost HostB => hosts.HostB;

        public BackingChainPlacementTests()
        {
            A.AddPool("lab", 1024 * MiB);
            A.AddPool("fast", 1024 * MiB);
            B.AddPool("lab", 1024 * MiB).TargetPath = "/srv/b/lab";
            A.AddVolume("lab", "base.qcow2", 64 * MiB, 10 * MiB);
            A.AddVolume("lab", "web1.qcow2", 64 * MiB, 1 * MiB, backingPath: Base);
        }

        private GuestInfo Web1(VMState state)
        {
            var guest = A.AddGuest("web1", state);
            A.Definitions["web1"] = new GuestDefinition("web1", guest.Uuid, new[] { new GuestDisk("vda", Overlay, "qcow2") });
            return guest;
        }

        [Theory]
        [InlineData(VMState.Running)]
        [InlineData(VMState.ShutOff)]
        public void A_storage_move_on_one_host_takes_it_the_copy_flattens_the_chain(VMState state)
        {
            var vm = Web1(state);

            var result = new StorageMigrationJob(new StorageMigrationRequest(new LocatedVM(HostA, vm), "fast"), null, TimeSpan.FromMilliseconds(1)).Run(CancellationToken.None);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("/pools/fast/web1.qcow2", A.Definitions["web1"].FileDisks.Single().Path);
        }

        [Fact]
        public void A_full_clone_on_the_same_host_takes_it()
        {
            var vm = Web1(VMState.ShutOff);

            var outcome = new CloneJob(new CloneRequest(new LocatedVM(HostA, vm), "web2"), new[] { HostA, HostB }, null, new Random(1)).Run(CancellationToken.None);

            Assert.Equal("a", outcome.VM.HostName);
            Assert.Contains("CloneVolume web2-vda.qcow2", A.Calls);
        }

        [Fact]
        public void A_cold_move_is_refused_with_the_reason_and_nothing_moves()
        {
            var vm = Web1(VMState.ShutOff);

            var result = ColdMove.Run(HostA, HostB, vm, default);

            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.Equal(ErrorIds.ColdMoveNeedsStorage, result.ErrorId);
            Assert.Contains($"is an overlay of '{Base}'", result.Message);
            Assert.Empty(B.Volumes);
            Assert.Null(B.FindGuest("web1"));
        }

        [Fact]
        public void A_full_clone_to_another_host_is_refused_and_nothing_is_made()
        {
            var vm = Web1(VMState.ShutOff);
            var request = new CloneRequest(new LocatedVM(HostA, vm), "web2") { Destination = HostB };

            var error = Assert.Throws<MigrationException>(() => new CloneJob(request, new[] { HostA, HostB }, null, new Random(1)).Run(CancellationToken.None));

            Assert.Equal(ErrorIds.BackingChainAcrossHosts, error.ErrorId);
            Assert.Contains($"is an overlay of '{Base}'", error.Message);
            Assert.Empty(B.Volumes);
            Assert.Null(B.FindGuest("web2"));
        }
    }
}
