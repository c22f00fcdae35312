using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Cold;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Cold
{
    public class ColdMoveTests
    {
        private const long MiB = 1L << 20;
        private const string SourceDisk = "/pools/lab/cold1.qcow2";
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost sourceHost;
        private readonly FakeHost destinationHost;
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;

        public ColdMoveTests()
        {
            sourceHost = cluster.AddHost("fake://a", "a");
            destinationHost = cluster.AddHost("fake://b", "b");
            source = new ConnectedHost("a", new HostUri("fake://a"), "Fake", sourceHost, null);
            destination = new ConnectedHost("b", new HostUri("fake://b"), "Fake", destinationHost, null);
            sourceHost.AddPool("lab", 1024 * MiB);
            // The destination's pool of the same name lives in another directory, as on real hosts.
            destinationHost.AddPool("lab", 1024 * MiB).TargetPath = "/srv/b/lab";
        }

        private GuestInfo StoppedGuest(IEnumerable<GuestDisk> disks, string name = "cold1", CloneLineage? lineage = null)
        {
            var guest = sourceHost.AddGuest(name, VMState.ShutOff);
            sourceHost.Definitions[name] = new GuestDefinition(name, guest.Uuid, disks, lineage: lineage);
            // As libvirt's listing does: a linked clone's parent comes from its lineage metadata.
            lineage = sourceHost.Definitions[name].Lineage;
            (guest.ParentName, guest.ParentUuid) = (lineage.ParentName, lineage.ParentUuid);
            return guest;
        }

        private static List<GuestDisk> FileDisk(string path, string target = "vda") => new List<GuestDisk> { new GuestDisk(target, path, "qcow2") };

        /// <summary>The definition <paramref name="host"/> holds of the guest with its disk file <paramref name="from"/> replaced by <paramref name="to"/>.</summary>
        private static GuestDefinition WithDiskFile(FakeHost host, string name, string from, string to) =>
            host.Definitions[name].WithDisks(d => d.Path == from ? d.WithFile(to, d.Format) : d);

        private GuestInfo StoppedGuestWithDisk()
        {
            sourceHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            return StoppedGuest(FileDisk(SourceDisk));
        }

        private MigrationResult Move(GuestInfo guest) => ColdMove.Run(source, destination, guest, default);

        private void AssertLeftOnSourceWithItsDisk()
        {
            Assert.NotNull(sourceHost.FindGuest("cold1"));
            Assert.Null(destinationHost.FindGuest("cold1"));
            Assert.True(sourceHost.Volumes.ContainsKey(SourceDisk), "the source volume must survive");
            Assert.DoesNotContain(destinationHost.Volumes.Keys, p => p.StartsWith("/srv/b/lab/", StringComparison.Ordinal));
        }

        [Fact]
        public void A_stopped_vm_without_disks_moves_its_definition_and_is_defined_on_one_host_only()
        {
            var guest = StoppedGuest(new List<GuestDisk>());

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("b", result.RunningOn);
            Assert.Null(sourceHost.FindGuest("cold1"));
            Assert.NotNull(destinationHost.FindGuest("cold1"));
        }

        [Fact]
        public void A_stopped_vm_with_a_pool_disk_moves_with_its_disk_into_the_destination_pool_of_the_same_name()
        {
            var guest = StoppedGuestWithDisk();

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("b", result.RunningOn);
            Assert.Null(sourceHost.FindGuest("cold1"));
            Assert.Equal(guest.Uuid, destinationHost.FindGuest("cold1")!.Uuid);
            var copy = destinationHost.Volumes["/srv/b/lab/cold1.qcow2"];
            Assert.Equal("lab", copy.PoolName);
            Assert.Equal(20 * MiB, copy.AllocationBytes);
            Assert.Equal(20 * MiB, result.TransferredBytes);
            Assert.Contains("/srv/b/lab/cold1.qcow2", destinationHost.Definitions["cold1"].Disks.Select(d => d.Path));
            Assert.DoesNotContain(SourceDisk, destinationHost.Definitions["cold1"].Disks.Select(d => d.Path));
            Assert.False(sourceHost.Volumes.ContainsKey(SourceDisk), "the source volume is deleted once the VM moved");
        }

        [Fact]
        public void The_source_volume_is_deleted_only_after_the_definition_left_the_source()
        {
            var guest = StoppedGuestWithDisk();

            Move(guest);

            var undefine = sourceHost.Calls.IndexOf("Undefine cold1");
            var delete = sourceHost.Calls.IndexOf("DeleteVolume " + SourceDisk);
            Assert.True(undefine >= 0 && delete > undefine, string.Join(" | ", sourceHost.Calls));
            Assert.True(destinationHost.Calls.IndexOf("Define cold1") > destinationHost.Calls.IndexOf("Write /srv/b/lab/cold1.qcow2"));
        }

        [Theory]
        [InlineData("Write")]
        [InlineData("Define")]
        public void A_failure_before_the_definition_moved_deletes_the_copies_and_leaves_the_vm_on_its_source(string failingCall)
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.FailOn = failingCall;

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.LibvirtError, result.ErrorId);
            Assert.Equal("a", result.RunningOn);
            Assert.Contains("DeleteVolume /srv/b/lab/cold1.qcow2", destinationHost.Calls);
            AssertLeftOnSourceWithItsDisk();
        }

        [Fact]
        public void A_copy_that_cannot_be_deleted_after_a_failure_is_named_in_the_result_instead_of_reported_removed()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.FailOn = "Define";
            destinationHost.UndeletableVolume = "/srv/b/lab/cold1.qcow2";

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Contains("some copies stay on 'b'", result.Message);
            Assert.Contains("could not remove '/srv/b/lab/cold1.qcow2' on 'b'", result.Message);
            Assert.DoesNotContain("was removed", result.Message);
            Assert.Equal("a", result.RunningOn);
        }

        [Fact]
        public void Disk_copies_report_progress_a_few_times_a_second_and_end_with_a_completed_report()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.WriteDelay = TimeSpan.FromMilliseconds(30);
            var reports = new List<MigrationProgress>();

            var result = ColdMove.Run(source, destination, guest, default, reports.Add);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.All(reports, r => Assert.True(r.Cold && r.VMName == "cold1" && r.Source == "a" && r.Destination == "b"));
            var running = reports.Where(r => !r.Completed).ToList();
            Assert.True(running.Count >= 2, $"{running.Count} reports while copying");
            Assert.Equal(running.Select(r => r.TransferredBytes).OrderBy(b => b), running.Select(r => r.TransferredBytes));
            Assert.All(running, r => Assert.Equal(20 * MiB, r.TransferredBytes + r.RemainingBytes));
            Assert.All(running, r => Assert.InRange(r.PercentComplete, 0, 99));
            var last = reports.Last();
            Assert.True(last.Completed);
            Assert.Equal((100, 20 * MiB), (last.PercentComplete, last.TransferredBytes));
            Assert.Single(reports, r => r.Completed);
        }

        private const string Copy = "/srv/b/lab/cold1.qcow2";
        private static readonly ColdCopy[] Journaled = { new ColdCopy { Source = SourceDisk, Copy = Copy } };

        [Fact]
        public void The_copies_are_named_to_the_journal_before_the_first_is_made()
        {
            var guest = StoppedGuestWithDisk();
            IReadOnlyList<ColdCopy>? told = null;
            var volumesWhenTold = -1;

            var result = ColdMove.Run(source, destination, guest, default, null, copies => { told = copies; volumesWhenTold = destinationHost.Volumes.Count; });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            var only = Assert.Single(told!);
            Assert.Equal((SourceDisk, Copy), (only.Source, only.Copy));
            Assert.Equal(0, volumesWhenTold);
        }

        [Fact]
        public void A_run_killed_while_copying_is_settled_by_deleting_the_partial_copy_and_leaving_the_move_to_do()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 3 * MiB);   // the partial copy

            var settled = ColdMove.SettleInterrupted(source, destination, guest, Journaled);

            Assert.Null(settled);
            AssertLeftOnSourceWithItsDisk();
            Assert.Equal(MigrationStatus.Succeeded, Move(guest).Status);   // and the move goes through when tried again
        }

        [Fact]
        public void A_run_killed_between_define_and_undefine_is_settled_by_finishing_the_move()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            destinationHost.DefineGuest(WithDiskFile(sourceHost, "cold1", SourceDisk, Copy));

            var settled = ColdMove.SettleInterrupted(source, destination, guest, Journaled);

            Assert.Equal(MigrationStatus.Succeeded, settled!.Status);
            Assert.Equal("b", settled.RunningOn);
            Assert.Null(sourceHost.FindGuest(guest.Uuid));
            Assert.NotNull(destinationHost.FindGuest(guest.Uuid));
            Assert.False(sourceHost.Volumes.ContainsKey(SourceDisk), "the source volume goes once the VM is defined on its copy only");
            Assert.True(destinationHost.Volumes.ContainsKey(Copy));
        }

        [Fact]
        public void A_vm_left_defined_on_both_hosts_whose_removal_from_the_source_fails_is_reported_with_what_to_run_and_nothing_deleted()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            destinationHost.DefineGuest(WithDiskFile(sourceHost, "cold1", SourceDisk, Copy));
            sourceHost.FailOn = "Undefine";

            var settled = ColdMove.SettleInterrupted(source, destination, guest, Journaled);

            Assert.Equal(MigrationStatus.Failed, settled!.Status);
            Assert.Contains("defined on 'a' and on 'b'", settled.Message);
            Assert.Contains("virsh undefine cold1 on 'a'", settled.Message);
            Assert.True(sourceHost.Volumes.ContainsKey(SourceDisk));
            Assert.True(destinationHost.Volumes.ContainsKey(Copy));
        }

        [Fact]
        public void A_run_killed_before_deleting_the_source_volumes_is_settled_by_deleting_them()
        {
            var guest = StoppedGuestWithDisk();
            destinationHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            destinationHost.DefineGuest(WithDiskFile(sourceHost, "cold1", SourceDisk, Copy));
            sourceHost.UndefineGuest("cold1");

            var settled = ColdMove.SettleInterrupted(source, destination, guest, Journaled);

            Assert.Equal(MigrationStatus.Succeeded, settled!.Status);
            Assert.False(sourceHost.Volumes.ContainsKey(SourceDisk));
            Assert.True(destinationHost.Volumes.ContainsKey(Copy));
        }

        [Fact]
        public void A_disk_in_no_storage_pool_is_refused_and_left_where_it_is()
        {
            var guest = StoppedGuest(FileDisk("/elsewhere/cold1.qcow2"));

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.Equal(ErrorIds.ColdMoveNeedsStorage, result.ErrorId);
            Assert.Contains("in no storage pool of 'a'", result.Message);
            Assert.NotNull(sourceHost.FindGuest("cold1"));
            Assert.Null(destinationHost.FindGuest("cold1"));
        }

        [Theory]
        [InlineData("no-pool", "'b' has no storage pool named 'lab'")]
        [InlineData("no-space", "has 8 MiB free and the disks of VM 'cold1' need 20 MiB")]
        [InlineData("backing-chain", "is an overlay of '/pools/lab/base.qcow2'")]
        [InlineData("protected-parent", "is the parent of linked clones")]
        [InlineData("clone-parent", "is the parent of the linked clone 'child1'")]
        [InlineData("overlay-of-it", "is the backing file of '/pools/lab/child1.qcow2' of VM 'child1'")]
        [InlineData("shared", "is also a disk of VM 'other1'")]
        [InlineData("name-taken", "already has a volume 'cold1.qcow2' in pool 'lab'")]
        [InlineData("cdrom", "disk hdc is a cdrom of type 'file'")]
        public void Disks_that_cannot_move_are_refused_with_the_reason_and_nothing_changes(string situation, string reason)
        {
            var devices = FileDisk(SourceDisk);
            CloneLineage? lineage = null;
            switch (situation)
            {
                case "no-pool":
                    destinationHost.Pools.TryRemove("lab", out _);
                    break;
                case "no-space":
                    destinationHost.Pools["lab"].AvailableBytes = 8 * MiB;
                    break;
                case "backing-chain":
                    sourceHost.AddVolume("lab", "base.qcow2", 64 * MiB, 10 * MiB);
                    sourceHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 1 * MiB, backingPath: "/pools/lab/base.qcow2");
                    break;
                case "protected-parent":
                    lineage = new CloneLineage { ProtectedDisks = new[] { "vda" } };
                    break;
                case "name-taken":
                    destinationHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 5 * MiB);
                    break;
                case "cdrom":
                    devices.Add(new GuestDisk("hdc", "/isos/install.iso", readOnly: true, device: "cdrom"));
                    break;
            }
            if (!sourceHost.Volumes.ContainsKey(SourceDisk))
            {
                sourceHost.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            }
            var guest = StoppedGuest(devices, lineage: lineage);
            switch (situation)
            {
                case "clone-parent":
                    sourceHost.AddVolume("lab", "child1.qcow2", 64 * MiB, 1 * MiB);
                    StoppedGuest(FileDisk("/pools/lab/child1.qcow2"), "child1", new CloneLineage { ParentName = "cold1", ParentUuid = guest.Uuid });
                    break;
                case "overlay-of-it":
                    sourceHost.AddVolume("lab", "child1.qcow2", 64 * MiB, 1 * MiB, backingPath: SourceDisk);
                    StoppedGuest(FileDisk("/pools/lab/child1.qcow2"), "child1");
                    break;
                case "shared":
                    StoppedGuest(FileDisk(SourceDisk, "vdb"), "other1");
                    break;
            }
            var destinationVolumesBefore = destinationHost.Volumes.Keys.OrderBy(k => k).ToList();

            var result = Move(guest);

            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.Equal(ErrorIds.ColdMoveNeedsStorage, result.ErrorId);
            Assert.Contains(reason, result.Message);
            Assert.Contains("It stays on 'a'", result.Message);
            Assert.Equal("a", result.RunningOn);
            Assert.NotNull(sourceHost.FindGuest("cold1"));
            Assert.Null(destinationHost.FindGuest("cold1"));
            Assert.True(sourceHost.Volumes.ContainsKey(SourceDisk));
            Assert.Equal(destinationVolumesBefore, destinationHost.Volumes.Keys.OrderBy(k => k).ToList());
        }
    }
}
