using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Storage
{
    /// <summary>The rules every copy of disks keeps (storage moves, cold moves, clones), one test a rule.</summary>
    public class DiskPlacementCheckTests
    {
        private const long MiB = 1L << 20;
        private readonly TwoFakeHosts hosts = new TwoFakeHosts();
        private FakeHost A => hosts.A;
        private FakeHost B => hosts.B;
        private ConnectedHost HostA => hosts.HostA;
        private ConnectedHost HostB => hosts.HostB;
        private readonly StorageVolumeInfo disk;
        private readonly GuestInfo web1;

        public DiskPlacementCheckTests()
        {
            A.AddPool("lab", 1024 * MiB);
            A.AddPool("fast", 1024 * MiB);
            B.AddPool("lab", 1024 * MiB).TargetPath = "/srv/b/lab";
            disk = A.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);
            web1 = AddGuest("web1", disk.Path);
        }

        private GuestInfo AddGuest(string name, params string[] paths)
        {
            var guest = A.AddGuest(name, VMState.ShutOff);
            A.Definitions[name] = new GuestDefinition(name, guest.Uuid, paths.Select((p, i) => new GuestDisk($"vd{(char)('a' + i)}", p, "qcow2")));
            return guest;
        }

        private IReadOnlyList<GuestDisk> Disks => A.Definitions["web1"].FileDisks;

        /// <summary>Each disk into <paramref name="pool"/> under its own name, needing its data.</summary>
        private static Func<IReadOnlyList<(GuestDisk Disk, StorageVolumeInfo Volume)>, IEnumerable<PlannedVolume>> Into(string pool) =>
            volumes => volumes.Select(v => new PlannedVolume(v.Disk, v.Volume, pool, v.Volume.Name, v.Volume.AllocationBytes));

        private IReadOnlyList<VolumePlacement> Run(ConnectedHost target, string pool, DiskCopyMethod? copy = null, DiskTransfer transfer = DiskTransfer.Move) =>
            DiskPlacementCheck.Run(new LocatedVM(HostA, web1), target, Disks, transfer, copy ?? DiskCopyMethod.ByteStream, Into(pool), CancellationToken.None);

        private MigrationException Refused(ConnectedHost target, string pool, DiskCopyMethod? copy = null, DiskTransfer transfer = DiskTransfer.Move)
        {
            var error = Assert.Throws<MigrationException>(() => Run(target, pool, copy, transfer));
            Assert.DoesNotContain(A.Calls.Concat(B.Calls), c => c.StartsWith("CreateVolume", StringComparison.Ordinal) || c.StartsWith("CloneVolume", StringComparison.Ordinal));
            return error;
        }

        [Fact]
        public void A_disk_that_is_no_volume_of_a_pool_is_refused_naming_it()
        {
            A.Definitions["web1"] = new GuestDefinition("web1", web1.Uuid, new[] { new GuestDisk("vda", "/elsewhere/web1.qcow2", "qcow2") });

            var error = Refused(HostB, "lab");

            Assert.Equal(ErrorIds.DiskNotInStoragePool, error.ErrorId);
            Assert.Contains("'/elsewhere/web1.qcow2') is in no storage pool of 'a'", error.Message);
        }

        [Theory]
        [InlineData("ByteStream", true)]
        [InlineData("LinkedOverlay", true)]
        [InlineData("LiveMirror", false)]
        [InlineData("HostCopy", false)]
        public void A_backing_chain_is_refused_for_another_host_only_when_the_copy_keeps_it(string method, bool refused)
        {
            var copy = new[] { DiskCopyMethod.ByteStream, DiskCopyMethod.LinkedOverlay, DiskCopyMethod.LiveMirror, DiskCopyMethod.HostCopy }.Single(m => m.Name == method);
            disk.BackingPath = "/pools/lab/base.qcow2";

            if (refused)
            {
                var error = Refused(HostB, "lab", copy);
                Assert.Equal(ErrorIds.BackingChainAcrossHosts, error.ErrorId);
                Assert.Contains("is an overlay of '/pools/lab/base.qcow2'", error.Message);
            }
            else
            {
                Assert.Equal("/srv/b/lab/web1.qcow2", Assert.Single(Run(HostB, "lab", copy)).TargetPath);
            }
        }

        [Fact]
        public void A_backing_chain_stays_on_its_host_by_any_copy()
        {
            disk.BackingPath = "/pools/lab/base.qcow2";

            Assert.Equal("/pools/fast/web1.qcow2", Assert.Single(Run(HostA, "fast", DiskCopyMethod.LinkedOverlay, DiskTransfer.Copy)).TargetPath);
        }

        [Fact]
        public void A_disk_another_vm_uses_is_refused_when_the_disks_move_and_not_when_they_are_copied()
        {
            AddGuest("other", disk.Path);

            var error = Refused(HostB, "lab");

            Assert.Equal(ErrorIds.DiskShared, error.ErrorId);
            Assert.Contains("is also a disk of VM 'other'", error.Message);
            Assert.Single(Run(HostB, "lab", transfer: DiskTransfer.Copy));
        }

        [Fact]
        public void The_parent_of_a_linked_clone_is_refused_when_its_disks_move()
        {
            var child = AddGuest("child", "/pools/lab/child.qcow2");
            (child.ParentName, child.ParentUuid) = ("web1", web1.Uuid);

            Assert.Equal(ErrorIds.ParentProtected, Refused(HostA, "fast").ErrorId);
        }

        [Theory]
        [InlineData(false, "no storage pool named 'nope'")]
        [InlineData(true, "no active storage pool named 'nope'")]
        public void A_target_pool_the_host_lacks_or_has_inactive_is_refused(bool inactive, string message)
        {
            if (inactive) B.AddPool("nope", 1024 * MiB).Active = false;

            var error = Refused(HostB, "nope");

            Assert.Equal(ErrorIds.StoragePoolNotFound, error.ErrorId);
            Assert.Contains("Host 'b' has " + message, error.Message);
        }

        [Fact]
        public void The_target_path_is_the_pools_directory_and_the_volumes_name()
        {
            var placement = Assert.Single(Run(HostB, "lab"));

            Assert.Equal("/srv/b/lab/web1.qcow2", placement.TargetPath);
            Assert.Equal("lab", placement.Pool.Name);
            Assert.Same(disk, placement.Planned.Source);
        }

        [Fact]
        public void A_pool_without_a_directory_has_no_target_path_to_check()
        {
            B.Pools["lab"].TargetPath = "";

            Assert.Null(Assert.Single(Run(HostB, "lab")).TargetPath);
        }

        [Fact]
        public void The_disks_own_path_on_the_other_host_is_refused_as_perhaps_shared_storage()
        {
            B.Pools["lab"].TargetPath = "/pools/lab";
            B.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);

            var error = Refused(HostB, "lab");

            Assert.Equal(ErrorIds.StorageVolumeExists, error.ErrorId);
            Assert.Contains("If the two hosts share this storage, it is this disk itself", error.Message);
            Assert.DoesNotContain("Remove or rename that volume", error.Message);
        }

        [Fact]
        public void A_volume_of_the_target_name_in_the_pool_is_refused_rather_than_overwritten()
        {
            var taken = B.AddVolume("lab", "web1.qcow2", 64 * MiB, 5 * MiB);

            var error = Refused(HostB, "lab");

            Assert.Equal(ErrorIds.StorageVolumeExists, error.ErrorId);
            Assert.Contains("Host 'b' already has a volume 'web1.qcow2' in pool 'lab' ('/srv/b/lab/web1.qcow2')", error.Message);
            Assert.Contains("Remove or rename that volume", error.Message);
            Assert.Same(taken, B.Volumes["/srv/b/lab/web1.qcow2"]);
        }

        [Fact]
        public void The_space_needed_is_summed_per_pool()
        {
            var data = A.AddVolume("lab", "web1-data.qcow2", 64 * MiB, 20 * MiB);
            A.Definitions["web1"] = new GuestDefinition("web1", web1.Uuid, new[] { new GuestDisk("vda", disk.Path, "qcow2"), new GuestDisk("vdb", data.Path, "qcow2") });
            B.Pools["lab"].AvailableBytes = 30 * MiB;   // room for either disk, not for both
            B.AddPool("fast", 30 * MiB);

            var error = Refused(HostB, "lab");
            var spread = DiskPlacementCheck.Run(new LocatedVM(HostA, web1), HostB, Disks, DiskTransfer.Move, DiskCopyMethod.ByteStream,
                volumes => volumes.Select(v => new PlannedVolume(v.Disk, v.Volume, v.Disk.Target == "vda" ? "lab" : "fast", v.Volume.Name, v.Volume.AllocationBytes)),
                CancellationToken.None);

            Assert.Equal(ErrorIds.InsufficientStorage, error.ErrorId);
            Assert.Contains("Storage pool 'lab' on 'b' has 30 MiB free and the disks of VM 'web1' need 40 MiB there", error.Message);
            Assert.Equal(new[] { "lab", "fast" }, spread.Select(p => p.Pool.Name));
        }

        [Fact]
        public void A_disk_that_stays_where_it_is_is_not_placed()
        {
            var placements = DiskPlacementCheck.Run(new LocatedVM(HostA, web1), HostB, Disks, DiskTransfer.Move, DiskCopyMethod.ByteStream,
                _ => Array.Empty<PlannedVolume>(), CancellationToken.None);

            Assert.Empty(placements);
        }

        [Fact]
        public void Check_returns_the_refusal_that_Run_throws_and_no_placements()
        {
            var refusal = DiskPlacementCheck.Check(new LocatedVM(HostA, web1), HostB, Disks, DiskTransfer.Move, DiskCopyMethod.ByteStream, Into("nope"),
                CancellationToken.None, out var placements);

            Assert.Equal(ErrorIds.StoragePoolNotFound, refusal!.ErrorId);
            Assert.Equal("web1", refusal.Target);
            Assert.Empty(placements);
            Assert.Equal(refusal.Message, Refused(HostB, "nope").Message);
        }
    }
}
