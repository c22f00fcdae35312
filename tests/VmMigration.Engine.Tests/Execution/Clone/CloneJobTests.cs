using System;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Clone;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Clone
{
    public class CloneJobTests
    {
        private const long MiB = 1L << 20;
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost a;
        private readonly FakeHost b;
        private readonly ConnectedHost hostA;
        private readonly ConnectedHost hostB;
        private readonly StorageVolumeInfo sourceDisk;

        public CloneJobTests()
        {
            a = cluster.AddHost("fake://a", "a");
            b = cluster.AddHost("fake://b", "b");
            hostA = new ConnectedHost("a", new HostUri("fake://a"), "Fake", a, null);
            hostB = new ConnectedHost("b", new HostUri("fake://b"), "Fake", b, null);
            a.AddPool("lab", 1024 * MiB);
            b.AddPool("lab", 1024 * MiB);
            sourceDisk = a.AddVolume("lab", "web1.qcow2", 64 * MiB, 20 * MiB);
        }

        private GuestInfo AddSource(FakeHost host, string name, VMState state, string diskPath, string mac = "52:54:00:aa:bb:cc")
        {
            var guest = host.AddGuest(name, state);
            host.Definitions[name] = new GuestDefinition(name, guest.Uuid, new[] { new GuestDisk("vda", diskPath, "qcow2") }, new[] { mac });
            return guest;
        }

        private CloneOutcome Clone(GuestInfo source, string name, Action<CloneRequest>? configure = null, FakeHost? on = null)
        {
            var request = new CloneRequest(new LocatedVM(on == b ? hostB : hostA, source), name);
            configure?.Invoke(request);
            return new CloneJob(request, new[] { hostA, hostB }, null, new Random(1)).Run(CancellationToken.None);
        }

        [Fact]
        public void A_stopped_source_is_copied_by_the_host_as_a_new_vm_with_its_own_identity()
        {
            var source = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);

            var outcome = Clone(source, "web2");

            Assert.Equal("web2", outcome.VM.Name);
            Assert.Equal("a", outcome.VM.HostName);
            Assert.False(outcome.VM.IsLinkedClone);
            Assert.Null(outcome.SourcePausedMs);
            Assert.Contains("CloneVolume web2-vda.qcow2", a.Calls);
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("Freeze", StringComparison.Ordinal));
            var definition = a.Definitions["web2"];
            Assert.NotEqual(source.Uuid, outcome.VM.Uuid);
            Assert.Equal(new[] { "/pools/lab/web2-vda.qcow2" }, definition.FileDisks.Select(d => d.Path));
            Assert.DoesNotContain("52:54:00:aa:bb:cc", definition.MacAddresses);
            Assert.Equal(20 * MiB, outcome.CopiedBytes);
        }

        [Fact]
        public void A_running_source_is_copied_from_disks_frozen_under_overlays_that_are_merged_back_and_it_keeps_running()
        {
            var source = AddSource(a, "web1", VMState.Running, sourceDisk.Path);

            var outcome = Clone(source, "web2", r => r.Start = true);

            Assert.NotNull(outcome.SourcePausedMs);
            var calls = a.Calls.ToList();
            var freeze = calls.IndexOf("Freeze web1 vda");
            var copy = calls.IndexOf("CloneVolume web2-vda.qcow2");
            var merge = calls.IndexOf("Merge web1 vda");
            Assert.True(freeze >= 0 && freeze < copy && copy < merge, string.Join(" | ", calls));
            Assert.Equal(VMState.Running, a.FindGuest("web1")!.State);
            Assert.Equal(VMState.Running, a.FindGuest("web2")!.State);
        }

        [Fact]
        public void A_failed_copy_of_a_running_source_still_merges_its_overlays_back()
        {
            var source = AddSource(a, "web1", VMState.Running, sourceDisk.Path);
            a.FailOn = "CloneVolume";

            Assert.Throws<MigrationException>(() => Clone(source, "web2"));

            Assert.Contains("Merge web1 vda", a.Calls);
            Assert.Equal(new[] { sourceDisk.Path }, a.Volumes.Keys);
        }

        [Fact]
        public void A_clone_to_another_host_is_streamed_into_that_hosts_pool_with_holes_kept()
        {
            var source = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);

            var outcome = Clone(source, "web2", r => r.Destination = hostB);

            Assert.Equal("b", outcome.VM.HostName);
            Assert.Equal(20 * MiB, b.Volumes["/pools/lab/web2-vda.qcow2"].AllocationBytes);
            Assert.Contains("Hole 4096", b.Calls);
            Assert.Null(a.FindGuest("web2"));
        }

        [Fact]
        public void A_linked_clone_is_an_overlay_of_the_parent_which_becomes_read_only_and_protected()
        {
            var parent = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);

            var outcome = Clone(parent, "web2", r => r.Linked = true);

            Assert.True(outcome.VM.IsLinkedClone);
            Assert.Equal("web1", outcome.VM.ParentName);
            Assert.Equal(sourceDisk.Path, a.Volumes["/pools/lab/web2-vda.qcow2"].BackingPath);
            Assert.True(a.Definitions["web1"].FileDisks.Single().ReadOnly);
            Assert.Equal(new[] { "web2" }, CloneFamily.ChildrenOf(a, parent).Select(g => g.Name));
            var refused = Assert.Throws<MigrationException>(() => CloneFamily.EnsureNoChildren(a, parent, "moving"));
            Assert.Equal(ErrorIds.ParentProtected, refused.ErrorId);
            Assert.Contains("web2", refused.Message);
        }

        [Fact]
        public void A_linked_clone_of_a_running_parent_is_based_on_its_frozen_disks_while_it_keeps_running_on_new_overlays()
        {
            var parent = AddSource(a, "web1", VMState.Running, sourceDisk.Path);

            var outcome = Clone(parent, "web2", r => { r.Linked = true; r.Start = true; });

            const string parentOverlay = "/pools/lab/web1.after-web2.qcow2";
            Assert.Equal(new[] { parentOverlay }, outcome.ParentOverlayPaths);
            Assert.NotNull(outcome.SourcePausedMs);
            // The parent runs on, writing to its new overlay; its old file is below it, and below the clone's.
            Assert.Equal(VMState.Running, a.FindGuest("web1")!.State);
            var parentDisk = a.Definitions["web1"].FileDisks.Single();
            Assert.Equal(parentOverlay, parentDisk.Path);
            Assert.False(parentDisk.ReadOnly, "the parent keeps writing: to its overlay");
            Assert.Equal(sourceDisk.Path, a.Volumes[parentOverlay].BackingPath);
            Assert.Equal(sourceDisk.Path, a.Volumes["/pools/lab/web2-vda.qcow2"].BackingPath);
            Assert.DoesNotContain(a.Calls, c => c.StartsWith("Merge", StringComparison.Ordinal));
            Assert.Equal(VMState.Running, a.FindGuest("web2")!.State);
            // Protected like any parent: the children are found and moving it is refused.
            Assert.Equal(new[] { "web2" }, CloneFamily.ChildrenOf(a, parent).Select(g => g.Name));
            Assert.Equal(ErrorIds.ParentProtected, Assert.Throws<MigrationException>(() => CloneFamily.EnsureNoChildren(a, parent, "moving")).ErrorId);
        }

        [Theory]
        [InlineData("Define")]
        [InlineData("Start")]
        [InlineData("CreateVolume")]
        public void A_failed_linked_clone_of_a_running_parent_puts_the_parent_back_on_its_own_disks(string failingStep)
        {
            var parent = AddSource(a, "web1", VMState.Running, sourceDisk.Path);
            a.FailOn = failingStep;

            Assert.Throws<MigrationException>(() => Clone(parent, "web2", r => { r.Linked = true; r.Start = true; }));

            Assert.Equal(VMState.Running, a.FindGuest("web1")!.State);
            var parentDisk = a.Definitions["web1"].FileDisks.Single();
            Assert.Equal(sourceDisk.Path, parentDisk.Path);
            Assert.False(parentDisk.ReadOnly);
            Assert.Equal(new[] { sourceDisk.Path }, a.Volumes.Keys);
            Assert.Null(a.FindGuest("web2"));
            // The clone's overlay goes before the parent's is merged back into the base it read.
            var calls = a.Calls.ToList();
            Assert.True(calls.IndexOf("Merge web1 vda") > calls.FindLastIndex(c => c.StartsWith("Undefine", StringComparison.Ordinal) || c.StartsWith("Delete", StringComparison.Ordinal)), string.Join(" | ", calls));
        }

        [Theory]
        [InlineData("name clash", ErrorIds.CloneNameExists)]
        [InlineData("unknown pool", ErrorIds.StoragePoolNotFound)]
        [InlineData("not enough space", ErrorIds.InsufficientStorage)]
        [InlineData("linked across hosts", ErrorIds.LinkedCloneAcrossHosts)]
        [InlineData("disk in no pool", ErrorIds.DiskNotInStoragePool)]
        [InlineData("overlay to another host", ErrorIds.BackingChainAcrossHosts)]
        public void Bad_requests_are_refused_with_a_stable_id_before_anything_is_made(string problem, string errorId)
        {
            var diskPath = problem == "disk in no pool" ? "/var/tmp/loose.qcow2"
                : problem == "overlay to another host" ? a.AddVolume("lab", "web1-overlay.qcow2", 64 * MiB, 1 * MiB, backingPath: sourceDisk.Path).Path
                : sourceDisk.Path;
            var source = AddSource(a, "web1", VMState.ShutOff, diskPath);
            b.AddGuest("taken");
            b.AddPool("tiny", 4 * MiB);
            var volumesBefore = a.Volumes.Count + b.Volumes.Count;

            var error = Assert.Throws<MigrationException>(() => Clone(source, problem == "name clash" ? "taken" : "web2", r =>
            {
                if (problem == "unknown pool") r.StoragePool = "nope";
                if (problem == "not enough space") { r.Destination = hostB; r.StoragePool = "tiny"; }
                if (problem == "linked across hosts") { r.Destination = hostB; r.Linked = true; }
                if (problem == "overlay to another host") r.Destination = hostB;
            }));

            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(volumesBefore, a.Volumes.Count + b.Volumes.Count);
            Assert.DoesNotContain(a.Calls.Concat(b.Calls), c => c.StartsWith("Define", StringComparison.Ordinal) || c.StartsWith("Freeze", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(false, false)]   // a full clone on the same host
        [InlineData(true, false)]    // a linked clone
        [InlineData(false, true)]    // a full clone to another host
        public void A_clone_whose_volume_name_is_taken_in_the_pool_is_refused_before_anything_is_made(bool linked, bool otherHost)
        {
            var source = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);
            var sourceDefinition = a.Definitions["web1"];
            var taken = (otherHost ? b : a).AddVolume("lab", "web2-vda.qcow2", 8 * MiB, 3 * MiB);
            var volumesBefore = a.Volumes.Keys.Concat(b.Volumes.Keys).OrderBy(k => k).ToList();

            var error = Assert.Throws<MigrationException>(() => Clone(source, "web2", r => { r.Linked = linked; if (otherHost) r.Destination = hostB; }));

            Assert.Equal(ErrorIds.StorageVolumeExists, error.ErrorId);
            Assert.Contains($"already has a volume 'web2-vda.qcow2' in pool 'lab' ('{taken.Path}')", error.Message);
            // Nothing made, the volume in the way not overwritten, the source as it was.
            Assert.Equal(volumesBefore, a.Volumes.Keys.Concat(b.Volumes.Keys).OrderBy(k => k).ToList());
            Assert.Same(taken, (otherHost ? b : a).Volumes[taken.Path]);
            Assert.Equal(3 * MiB, taken.AllocationBytes);
            Assert.DoesNotContain(a.Calls.Concat(b.Calls), c => c.StartsWith("CreateVolume", StringComparison.Ordinal) || c.StartsWith("CloneVolume", StringComparison.Ordinal)
                || c.StartsWith("Write", StringComparison.Ordinal) || c.StartsWith("Define", StringComparison.Ordinal) || c.StartsWith("Freeze", StringComparison.Ordinal));
            Assert.Same(sourceDefinition, a.Definitions["web1"]);
            Assert.Null(a.FindGuest("web2"));
            Assert.Null(b.FindGuest("web2"));
        }

        [Theory]
        [InlineData("Define", false)]
        [InlineData("Start", false)]
        [InlineData("Start", true)]
        [InlineData("CloneVolume", false)]
        public void A_failure_at_any_step_removes_everything_the_clone_made_and_restores_the_parent(string failingStep, bool linked)
        {
            var parent = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);
            var parentDefinition = a.Definitions["web1"];
            a.FailOn = failingStep;

            Assert.Throws<MigrationException>(() => Clone(parent, "web2", r => { r.Linked = linked; r.Start = true; }));

            Assert.Equal(new[] { sourceDisk.Path }, a.Volumes.Keys);
            Assert.Null(a.FindGuest("web2"));
            Assert.Same(parentDefinition, a.Definitions["web1"]);
        }

        [Fact]
        public void A_copy_that_cannot_be_deleted_after_a_failure_is_named_in_the_error_with_its_id_kept()
        {
            var parent = AddSource(a, "web1", VMState.ShutOff, sourceDisk.Path);
            a.FailOn = "Define";
            a.UndeletableVolume = "/pools/lab/web2-vda.qcow2";

            var error = Assert.Throws<MigrationException>(() => Clone(parent, "web2"));

            Assert.Equal(ErrorIds.LibvirtError, error.ErrorId);
            Assert.Contains("could not remove '/pools/lab/web2-vda.qcow2' on 'a'", error.Message);
            Assert.Contains("delete them by hand", error.Message);
            Assert.Null(a.FindGuest("web2"));
        }

        [Fact]
        public void A_failed_stream_to_another_host_deletes_the_partial_copy_and_merges_the_source_back()
        {
            var source = AddSource(a, "web1", VMState.Running, sourceDisk.Path);
            b.FailOn = "Write";

            Assert.Throws<MigrationException>(() => Clone(source, "web2", r => r.Destination = hostB));

            Assert.Empty(b.Volumes);
            Assert.Contains("DeleteVolume /pools/lab/web2-vda.qcow2", b.Calls);
            Assert.Contains("Merge web1 vda", a.Calls);
        }
    }
}
