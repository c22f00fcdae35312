using System;
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
    public class StorageMigrationJobTests
    {
        private const long MiB = 1L << 20;
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost a;
        private readonly ConnectedHost hostA;
        private readonly StorageVolumeInfo disk;

        public StorageMigrationJobTests()
        {
            a = cluster.AddHost("fake://a", "a");
            hostA = new ConnectedHost("a", new HostUri("fake://a"), "Fake", a, null);
            a.AddPool("lab", 1024 * MiB);
            a.AddPool("fast", 1024 * MiB);
            disk = a.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);
        }

        private GuestInfo AddVM(string name, VMState state, params string[] diskPaths)
        {
            var guest = a.AddGuest(name, state);
            var disks = diskPaths.Select((p, i) => new GuestDisk($"vd{(char)('a' + i)}", p, "qcow2"));
            a.Definitions[name] = new GuestDefinition(name, guest.Uuid, disks);
            return guest;
        }

        private MigrationResult Move(GuestInfo vm, string pool, Action<StorageMigrationRequest>? configure = null, CancellationToken token = default)
        {
            var request = new StorageMigrationRequest(new LocatedVM(hostA, vm), pool);
            configure?.Invoke(request);
            return new StorageMigrationJob(request, null, TimeSpan.FromMilliseconds(1)).Run(token);
        }

        private string DefinedPath(string name) => a.Definitions[name].FileDisks.Single().Path;

        [Fact]
        public void A_running_vm_switches_onto_its_copy_in_the_new_pool_and_only_then_loses_the_old_volume()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            var result = Move(vm, "fast");

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationPhase.Completed, result.Phase);
            Assert.Equal("a", result.RunningOn);
            var moved = Assert.Single(result.Disks);
            Assert.Equal(("vda", "/pools/lab/web1.qcow2", "/pools/fast/web1.qcow2", true), (moved.Target, moved.OldPath, moved.NewPath, moved.Switched));
            Assert.NotNull(result.SwitchPauseMs);
            var calls = a.Calls.ToList();
            Assert.True(calls.IndexOf("CreateVolume web1.qcow2") < calls.FindIndex(c => c.StartsWith("Copy web1 vda /pools/fast/web1.qcow2 qcow2", StringComparison.Ordinal)));
            Assert.True(calls.IndexOf("Pivot web1 vda") < calls.IndexOf("DeleteVolume /pools/lab/web1.qcow2"));
            Assert.Null(a.FindStorageVolume(disk.Path));
            Assert.NotNull(a.FindStorageVolume("/pools/fast/web1.qcow2"));
            // The persistent definition follows, so the VM starts from the new disk next time.
            Assert.Equal("/pools/fast/web1.qcow2", DefinedPath("web1"));
        }

        [Fact]
        public void Guest_writes_are_mirrored_synchronously_and_the_bandwidth_limit_reaches_the_copy()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            Move(vm, "fast", r => r.BandwidthMBps = 8);

            Assert.Contains(a.Calls, c => c.StartsWith("Copy web1 vda", StringComparison.Ordinal) && c.EndsWith($"bw={8 * MiB} sync=True", StringComparison.Ordinal));
        }

        [Fact]
        public void A_disk_the_vm_does_not_have_is_refused_before_anything_is_made()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            var result = Move(vm, "fast", r => r.Disks = new[] { "vdz" });

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.DiskNotFound, result.ErrorId);
            Assert.Contains("vdz", result.Message);
            Assert.Contains("vda", result.Message);
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("CreateVolume", StringComparison.Ordinal) || c.StartsWith("Copy", StringComparison.Ordinal));
            Assert.Equal(disk.Path, DefinedPath("web1"));
        }

        [Fact]
        public void A_pool_without_room_for_the_data_is_refused_before_anything_is_made()
        {
            a.AddPool("tiny", 8 * MiB);
            var vm = AddVM("web1", VMState.Running, disk.Path);

            var result = Move(vm, "tiny");

            Assert.Equal(ErrorIds.InsufficientStorage, result.ErrorId);
            Assert.Equal(MigrationPhase.Prepare, result.Phase);
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("CreateVolume", StringComparison.Ordinal));
        }

        [Fact]
        public void A_pool_the_host_does_not_have_is_refused()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            Assert.Equal(ErrorIds.StoragePoolNotFound, Move(vm, "nope").ErrorId);
        }

        [Fact]
        public void A_copy_that_the_hypervisor_drops_leaves_the_vm_on_its_disk_and_removes_the_partial_copy()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            a.DiskCopyPolls = int.MaxValue;
            a.DiskCopyVanishesAfterPolls = 2;

            var result = Move(vm, "fast");

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.DiskCopyFailed, result.ErrorId);
            Assert.Equal(MigrationPhase.PreCopy, result.Phase);
            Assert.Contains("DeleteVolume /pools/fast/web1.qcow2", a.Calls);
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("Pivot", StringComparison.Ordinal));
            Assert.Equal(disk.Path, DefinedPath("web1"));
        }

        [Fact]
        public void A_cancelled_move_cancels_the_copy_and_removes_it_and_the_vm_keeps_its_disk()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            a.DiskCopyPolls = int.MaxValue;
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

            var result = Move(vm, "fast", token: cancel.Token);

            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(ErrorIds.MigrationAborted, result.ErrorId);
            Assert.Contains("CancelCopy web1 vda", a.Calls);
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.False(a.HasDiskCopy("web1"));
        }

        [Fact]
        public void A_copy_not_in_sync_by_the_timeout_is_cancelled()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            a.DiskCopyPolls = int.MaxValue;

            var result = Move(vm, "fast", r => r.Timeout = TimeSpan.FromMilliseconds(300));

            Assert.Equal(ErrorIds.StorageMoveTimedOut, result.ErrorId);
            Assert.Contains("CancelCopy web1 vda", a.Calls);
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
        }

        [Fact]
        public void A_copy_that_cannot_start_removes_every_new_volume_not_just_those_of_started_copies()
        {
            var second = a.AddVolume("lab", "web1-data.qcow2", 32 * MiB, 4 * MiB);
            var vm = AddVM("web1", VMState.Running, disk.Path, second.Path);
            a.FailOn = "Copy";

            var result = Move(vm, "fast");

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
            Assert.Null(a.FindStorageVolume("/pools/fast/web1-data.qcow2"));
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.NotNull(a.FindStorageVolume(second.Path));
        }

        [Fact]
        public void A_failed_switch_keeps_the_old_disk_and_drops_the_copy()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            a.FailOn = "Pivot";

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.DiskSwitchFailed, result.ErrorId);
            Assert.Equal(MigrationPhase.Switchover, result.Phase);
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
        }

        [Fact]
        public void A_switch_whose_call_fails_after_it_happened_counts_as_switched_and_the_disk_the_vm_runs_from_is_never_deleted()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            a.PivotFailsFor = "vda";
            a.PivotSwitchesBeforeFailing = true;

            var result = Move(vm, "fast");

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.NotNull(a.FindStorageVolume("/pools/fast/web1.qcow2"));
            Assert.Null(a.FindStorageVolume(disk.Path));
            Assert.Equal("/pools/fast/web1.qcow2", DefinedPath("web1"));
            Assert.Null(Assert.Single(result.Disks).SwitchPauseMs);
        }

        [Fact]
        public void When_a_later_disk_fails_to_switch_the_disks_already_switched_are_repointed_in_the_definition_before_their_old_volumes_go()
        {
            var second = a.AddVolume("lab", "web1-data.qcow2", 64 * MiB, 10 * MiB);
            var vm = AddVM("web1", VMState.Running, disk.Path, second.Path);
            a.PivotFailsFor = "vdb";

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.DiskSwitchFailed, result.ErrorId);
            var defined = a.Definitions["web1"].FileDisks.ToDictionary(d => d.Target, d => d.Path);
            // vda runs from its copy and will boot from it; its old volume is gone.
            Assert.Equal("/pools/fast/web1.qcow2", defined["vda"]);
            Assert.Null(a.FindStorageVolume(disk.Path));
            // vdb stays where it was; its copy is gone.
            Assert.Equal(second.Path, defined["vdb"]);
            Assert.NotNull(a.FindStorageVolume(second.Path));
            Assert.Null(a.FindStorageVolume("/pools/fast/web1-data.qcow2"));
        }

        [Fact]
        public void A_disk_another_vm_also_uses_is_refused()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            AddVM("web2", VMState.ShutOff, disk.Path);

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.DiskShared, result.ErrorId);
            Assert.Contains("web2", result.Message);
        }

        [Fact]
        public void A_disk_that_backs_another_vms_disk_is_refused_as_a_protected_parent()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            var child = a.AddGuest("child", VMState.Running);
            a.LiveDefinitions["child"] = new GuestDefinition("child", child.Uuid, new[] { new GuestDisk("vda", "/pools/lab/child.qcow2", backingFiles: new[] { disk.Path }) });

            Assert.Equal(ErrorIds.ParentProtected, Move(vm, "fast").ErrorId);
        }

        [Fact]
        public void The_parent_of_a_linked_clone_is_refused_naming_the_clone()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);
            var child = AddVM("web1-link", VMState.ShutOff, "/pools/lab/web1-link.qcow2");
            (child.ParentName, child.ParentUuid) = ("web1", vm.Uuid);

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.ParentProtected, result.ErrorId);
            Assert.Contains("parent of the linked clone 'web1-link'", result.Message);
            Assert.Equal(disk.Path, DefinedPath("web1"));
        }

        [Fact]
        public void A_disk_that_backs_a_shut_off_vms_overlay_is_refused_though_its_definition_shows_no_chain()
        {
            // A shut-off VM's definition names only its overlay; the chain below it is known to the storage API alone.
            var vm = AddVM("web1", VMState.Running, disk.Path);
            var overlay = a.AddVolume("lab", "child.qcow2", 64 * MiB, 1 * MiB, backingPath: disk.Path);
            AddVM("child", VMState.ShutOff, overlay.Path);

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.ParentProtected, result.ErrorId);
            Assert.Contains($"is the backing file of '{overlay.Path}' of VM 'child'", result.Message);
            Assert.Equal(disk.Path, DefinedPath("web1"));
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
        }

        [Fact]
        public void Disks_already_in_the_pool_are_skipped()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            var result = Move(vm, "lab");

            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.False(result.Status.IsFailure(), "nothing to do is not a failure: cmdlets write no error record for it");
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("Copy", StringComparison.Ordinal));
        }

        [Fact]
        public void A_disk_already_in_the_pool_and_format_asked_is_skipped_and_another_format_is_converted_in_place()
        {
            var vm = AddVM("web1", VMState.Running, disk.Path);

            Assert.Equal(MigrationStatus.Skipped, Move(vm, "lab", r => r.DiskFormat = "qcow2").Status);

            var converted = Move(vm, "lab", r => r.DiskFormat = "raw");
            Assert.Equal(MigrationStatus.Succeeded, converted.Status);
            Assert.Equal("/pools/lab/web1.raw", DefinedPath("web1"));
            Assert.Null(a.FindStorageVolume(disk.Path));
        }

        [Fact]
        public void A_shut_off_vm_has_its_volume_copied_by_the_host_converted_and_its_definition_repointed()
        {
            var vm = AddVM("web1", VMState.ShutOff, disk.Path);

            var result = Move(vm, "fast", r => r.DiskFormat = "raw");

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Contains("CloneVolume web1.raw", a.Calls);
            Assert.Equal("/pools/fast/web1.raw", DefinedPath("web1"));
            Assert.Equal("raw", a.Definitions["web1"].FileDisks.Single().Format);
            Assert.Null(a.FindStorageVolume(disk.Path));
        }

        [Fact]
        public void A_shut_off_vm_started_while_its_volumes_are_copied_keeps_its_definition_and_disks_and_the_copies_go()
        {
            var vm = AddVM("web1", VMState.ShutOff, disk.Path);
            a.OnStep = call =>
            {
                if (call == "CloneVolume") a.Put(new GuestInfo { Name = vm.Name, Uuid = vm.Uuid, State = VMState.Running, MemoryMB = vm.MemoryMB, Persistent = true });
            };

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.VmStartedDuringMove, result.ErrorId);
            Assert.Equal(disk.Path, DefinedPath("web1"));
            Assert.NotNull(a.FindStorageVolume(disk.Path));
            Assert.Null(a.FindStorageVolume("/pools/fast/web1.qcow2"));
        }

        [Fact]
        public void A_name_taken_in_the_target_pool_is_refused_rather_than_overwritten()
        {
            a.AddVolume("fast", "web1.qcow2", 1 * MiB, 1 * MiB);
            var vm = AddVM("web1", VMState.Running, disk.Path);

            var result = Move(vm, "fast");

            Assert.Equal(ErrorIds.StorageVolumeExists, result.ErrorId);
            Assert.NotNull(a.FindStorageVolume("/pools/fast/web1.qcow2"));
        }

        [Fact]
        public void Only_the_named_disks_move()
        {
            var second = a.AddVolume("lab", "web1-data.qcow2", 32 * MiB, 4 * MiB);
            var vm = AddVM("web1", VMState.Running, disk.Path, second.Path);

            var result = Move(vm, "fast", r => r.Disks = new[] { "vdb" });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("vdb", Assert.Single(result.Disks).Target);
            var paths = a.Definitions["web1"].FileDisks.Select(d => d.Path).ToList();
            Assert.Equal(new[] { disk.Path, "/pools/fast/web1-data.qcow2" }, paths);
            Assert.NotNull(a.FindStorageVolume(disk.Path));
        }
    }
}
