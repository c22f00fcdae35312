using System;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    /// <summary>A live migration that takes the VM's disks along (-CopyStorage, -DestinationStoragePool with -Destination).</summary>
    public class LiveMigrationStorageTests
    {
        private const long MiB = 1L << 20;
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost a;
        private readonly FakeHost b;
        private readonly ConnectedHost hostA;
        private readonly ConnectedHost hostB;
        private readonly StorageVolumeInfo disk;
        private readonly GuestInfo vm;

        public LiveMigrationStorageTests()
        {
            a = cluster.AddHost("fake://a", "a");
            b = cluster.AddHost("fake://b", "b");
            hostA = new ConnectedHost("a", new HostUri("fake://a"), "Fake", a, null);
            hostB = new ConnectedHost("b", new HostUri("fake://b"), "Fake", b, null);
            a.AddPool("lab", 1024 * MiB);
            b.AddPool("fast", 1024 * MiB);
            disk = a.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);
            vm = a.AddGuest("web1");
            a.Definitions["web1"] = new GuestDefinition("web1", vm.Uuid, new[] { new GuestDisk("vda", disk.Path, "qcow2") });
        }

        /// <summary>A second disk, vdb, in the same pool of the source.</summary>
        private void AddDataDisk()
        {
            var data = a.AddVolume("lab", "web1-data.qcow2", 64 * MiB, 5 * MiB);
            var web1 = a.Definitions["web1"];
            a.Definitions["web1"] = new GuestDefinition("web1", web1.Uuid, web1.Disks.Append(new GuestDisk("vdb", data.Path, "qcow2")));
        }

        private MigrationResult Run(Action<LiveMigrationRequest> configure)
        {
            var request = new LiveMigrationRequest(new LocatedVM(hostA, vm), hostB) { Timeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(5), MeasureDirtyRate = false };
            configure(request);
            return new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(CancellationToken.None);
        }

        [Fact]
        public void The_disks_land_in_the_named_pool_of_the_destination_and_the_old_volumes_go_once_the_vm_runs_there()
        {
            var result = Run(r => { r.DestinationStoragePool = "fast"; r.DiskFormat = "raw"; });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            var placement = Assert.Single(a.LastParameters!.DiskPlacements);
            Assert.Equal(("vda", "/pools/fast/web1.raw", "raw"), (placement.Target, placement.Path, placement.Format));
            Assert.True(a.LastParameters.CopyStorage);
            Assert.NotNull(b.FindStorageVolume("/pools/fast/web1.raw"));
            Assert.Null(a.FindStorageVolume(disk.Path));
            var moved = Assert.Single(result.Disks);
            Assert.True(moved.Switched);
            Assert.Equal(disk.Path, moved.OldPath);
        }

        [Fact]
        public void Plain_copy_storage_lands_each_disk_in_the_destinations_pool_of_the_same_name()
        {
            b.AddPool("lab", 1024 * MiB);

            var result = Run(r => r.CopyStorage = true);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("/pools/lab/web1.qcow2", Assert.Single(a.LastParameters!.DiskPlacements).Path);
        }

        [Fact]
        public void Copy_storage_onto_storage_both_hosts_share_is_refused_without_advice_to_delete_the_disk_itself()
        {
            b.AddPool("lab", 1024 * MiB);
            b.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);   // the same path on both hosts, as shared storage shows it

            var result = Run(r => r.CopyStorage = true);

            Assert.Equal(ErrorIds.StorageVolumeExists, result.ErrorId);
            Assert.Contains("without -CopyStorage", result.Message);
            Assert.DoesNotContain("Remove or rename that volume", result.Message);
            Assert.Equal("a", result.RunningOn);
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.NotNull(b.FindStorageVolume(disk.Path));
        }

        [Fact]
        public void A_failed_move_removes_the_copies_on_the_destination_and_keeps_the_vm_on_its_disks()
        {
            a.Outcome = FakeOutcome.DestinationDies;

            var result = Run(r => r.DestinationStoragePool = "fast");

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal("a", result.RunningOn);
            Assert.Null(b.FindStorageVolume("/pools/fast/web1.qcow2"));
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.False(Assert.Single(result.Disks).Switched);
        }

        [Fact]
        public void A_destination_pool_without_room_is_refused_before_the_migration_starts()
        {
            b.Pools["fast"].AvailableBytes = 1 * MiB;

            var result = Run(r => r.DestinationStoragePool = "fast");

            Assert.Equal(ErrorIds.InsufficientStorage, result.ErrorId);
            Assert.Null(a.LastParameters);
            Assert.Empty(b.Volumes);
        }

        [Fact]
        public void A_disk_the_destination_cannot_see_refuses_a_plain_live_migration_and_names_copy_storage()
        {
            var result = Run(_ => { });

            Assert.Equal(ErrorIds.DiskNotOnDestination, result.ErrorId);
            Assert.Contains("-CopyStorage", result.Message);
            Assert.Null(a.LastParameters);
        }

        [Fact]
        public void A_disk_that_minus_disk_leaves_behind_where_the_destination_cannot_see_it_is_refused_before_anything_is_made()
        {
            AddDataDisk();

            var result = Run(r => { r.DestinationStoragePool = "fast"; r.Disks = new[] { "vda" }; });

            Assert.Equal(ErrorIds.DiskNotOnDestination, result.ErrorId);
            Assert.Contains("Disk vdb", result.Message);
            Assert.Contains("-Disk as well (vda, vdb)", result.Message);
            Assert.Equal("a", result.RunningOn);
            Assert.Null(a.LastParameters);
            Assert.Empty(b.Volumes);
        }

        [Fact]
        public void A_destination_that_stops_answering_while_volumes_are_made_fails_the_move_names_the_one_in_doubt_and_removes_both_once_it_answers()
        {
            AddDataDisk();
            b.OnStep = call => { if (call == "CreateVolume" && b.Volumes.Count == 1) Thread.Sleep(1500); };
            var slowB = new ConnectedHost("b", new HostUri("fake://b"), "Fake", b, null, () => TimeSpan.FromMilliseconds(500));
            var request = new LiveMigrationRequest(new LocatedVM(hostA, vm), slowB)
                { DestinationStoragePool = "fast", Timeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(5), MeasureDirtyRate = false };

            var result = new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(CancellationToken.None);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.HostUnreachable, result.ErrorId);
            Assert.Contains("'/pools/fast/web1-data.qcow2' may still be made there", result.Message);
            Assert.Equal("a", result.RunningOn);
            Assert.Null(a.LastParameters);
            // Once the host answers, the volume made before it went silent and the one it made late are both gone.
            Assert.True(Eventually.Holds(() => b.Volumes.IsEmpty), string.Join(", ", b.Volumes.Keys));
        }

        [Fact]
        public void The_preflight_of_a_move_with_disks_names_a_missing_pool_and_makes_nothing()
        {
            var request = new LiveMigrationRequest(new LocatedVM(hostA, vm), hostB) { CopyStorage = true };

            var reasons = MigrationPreflight.Check(request, CancellationToken.None);

            Assert.Equal(ErrorIds.StoragePoolNotFound, Assert.Single(reasons).ErrorId);
            Assert.Empty(b.Volumes);
        }

        [Fact]
        public void The_preflight_of_a_move_with_disks_names_a_linked_clone_parent_once_as_a_reason_not_an_exception()
        {
            b.AddPool("lab", 1024 * MiB);
            var child = a.AddGuest("web1-link", VMState.ShutOff);
            child.ParentUuid = vm.Uuid;
            var request = new LiveMigrationRequest(new LocatedVM(hostA, vm), hostB) { CopyStorage = true };

            var reasons = MigrationPreflight.Check(request, CancellationToken.None);

            Assert.Equal(ErrorIds.ParentProtected, Assert.Single(reasons).ErrorId);
        }

        [Fact]
        public void A_disk_in_a_pool_both_hosts_share_needs_no_copy()
        {
            b.AddPool("lab", 1024 * MiB);
            b.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);

            var result = Run(_ => { });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Empty(a.LastParameters!.DiskPlacements);
            Assert.False(a.LastParameters.CopyStorage);
        }
    }
}
