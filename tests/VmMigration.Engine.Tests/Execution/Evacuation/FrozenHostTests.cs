using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Clone;
using VmMigration.Execution.Cold;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Evacuation
{
    /// <summary>
    /// A host that stops answering in the middle of each kind of job (a SIGSTOPped libvirtd, as the fake's Freeze): the job
    /// ends within its limit naming that host, nothing it made is left behind, and once the host is thawed every VM is
    /// defined on exactly one host.
    /// </summary>
    public sealed class FrozenHostTests : IDisposable
    {
        private const long MiB = 1L << 20;
        private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-frozen-" + Guid.NewGuid().ToString("N"));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;
        private readonly FakeHost a;
        private readonly FakeHost b;
        private readonly FakeHost c;

        public FrozenHostTests()
        {
            a = cluster.AddHost("fake://a", "a");
            b = cluster.AddHost("fake://b", "b");
            c = cluster.AddHost("fake://c", "c");
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders())) { CallTimeout = Limit };
            foreach (var name in new[] { "a", "b", "c" })
            {
                registry.Connect(new HostUri("fake://" + name), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            a.AddPool("lab", 1024 * MiB);
            a.AddPool("fast", 1024 * MiB);
            b.AddPool("lab", 1024 * MiB).TargetPath = "/srv/b/lab";
        }

        public void Dispose()
        {
            foreach (var host in new[] { a, b, c }) host.Thaw();
            if (Directory.Exists(directory)) Directory.Delete(directory, true);
        }

        private ConnectedHost Host(string name) => registry.Resolve(name);

        /// <summary>A VM on host a with one qcow2 disk of 20 MiB in pool lab.</summary>
        private GuestInfo AddVM(string name, VMState state)
        {
            var disk = a.AddVolume("lab", name + ".qcow2", 64 * MiB, 20 * MiB);
            var guest = a.AddGuest(name, state);
            a.Definitions[name] = new GuestDefinition(name, guest.Uuid, new[] { new GuestDisk("vda", disk.Path, "qcow2") }, new[] { "52:54:00:aa:bb:cc" });
            return guest;
        }

        private int DefinitionsOf(string name) => new[] { a, b, c }.Count(h => h.ListGuests().Any(g => g.Name == name));

        private static void AssertNamesFrozenHost(string host, string? errorId, string? message)
        {
            Assert.Equal(ErrorIds.HostUnreachable, errorId);
            Assert.Contains($"Host '{host}' did not answer", message);
        }

        private static T Timed<T>(Func<T> run, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            var result = run();
            Assert.True(clock.Elapsed < within, $"took {clock.Elapsed.TotalSeconds:0.0} s, more than {within.TotalSeconds:0.0} s");
            return result;
        }

        private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

        [Fact]
        public void A_clone_on_the_same_host_frozen_while_copying_fails_naming_it_and_once_thawed_leaves_no_copy_and_the_parent_merged()
        {
            var parent = AddVM("web1", VMState.Running);
            var request = new CloneRequest(new LocatedVM(Host("a"), parent), "web2");
            a.FreezeAt("CloneVolume");

            // A host copy of 20 MiB may take 2 s at the slowest expected rate on top of the call limit.
            var error = Timed(() => Assert.Throws<MigrationException>(() => new CloneJob(request, registry.Hosts).Run(CancellationToken.None)),
                Limit + TimeSpan.FromSeconds(20.0 / 10) + Margin);
            AssertNamesFrozenHost("a", error.ErrorId, error.Message);

            a.Thaw();
            Assert.True(Eventually.Holds(() => a.Calls.Contains("Merge web1 vda")), "the running parent was not merged back off its overlays");
            Assert.True(Eventually.Holds(() => a.Volumes.Keys.SequenceEqual(new[] { "/pools/lab/web1.qcow2" })), string.Join(", ", a.Volumes.Keys));
            Assert.Equal(0, DefinitionsOf("web2"));
            Assert.Equal(1, DefinitionsOf("web1"));
        }

        [Fact]
        public void A_cross_host_clone_whose_destination_freezes_while_writing_fails_naming_it_and_once_thawed_leaves_no_partial_copy()
        {
            var parent = AddVM("web1", VMState.ShutOff);
            var request = new CloneRequest(new LocatedVM(Host("a"), parent), "web2") { Destination = Host("b") };
            b.FreezeAt("WriteChunk");

            var error = Timed(() => Assert.Throws<MigrationException>(() => new CloneJob(request, registry.Hosts).Run(CancellationToken.None)), Limit + Margin);
            AssertNamesFrozenHost("b", error.ErrorId, error.Message);

            b.Thaw();
            Assert.True(Eventually.Holds(() => b.Volumes.IsEmpty), string.Join(", ", b.Volumes.Keys));
            Assert.Equal(0, DefinitionsOf("web2"));
            Assert.Equal(1, DefinitionsOf("web1"));
        }

        [Fact]
        public void A_cross_host_clone_whose_destination_freezes_at_the_define_is_undefined_again_when_the_define_lands()
        {
            var parent = AddVM("web1", VMState.ShutOff);
            var request = new CloneRequest(new LocatedVM(Host("a"), parent), "web2") { Destination = Host("b") };
            b.FreezeAt("Define");

            var error = Timed(() => Assert.Throws<MigrationException>(() => new CloneJob(request, registry.Hosts).Run(CancellationToken.None)), Limit + Margin);
            AssertNamesFrozenHost("b", error.ErrorId, error.Message);

            b.Thaw();
            Assert.True(Eventually.Holds(() => b.Calls.Contains("Undefine web2")), "the late define was not undone");
            Assert.True(Eventually.Holds(() => b.Volumes.IsEmpty), string.Join(", ", b.Volumes.Keys));
            Assert.Equal(0, DefinitionsOf("web2"));
        }

        [Fact]
        public void A_storage_move_whose_host_freezes_at_the_start_of_the_copy_fails_naming_it_and_once_thawed_leaves_no_copy()
        {
            var vm = AddVM("web1", VMState.Running);
            a.FreezeAt("Copy");

            var result = Timed(() => new StorageMigrationJob(new StorageMigrationRequest(new LocatedVM(Host("a"), vm), "fast"), null, TimeSpan.FromMilliseconds(5))
                .Run(CancellationToken.None), Limit + Margin);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            AssertNamesFrozenHost("a", result.ErrorId, result.Message);
            a.Thaw();
            Assert.True(Eventually.Holds(() => !a.HasDiskCopy("web1") && a.Volumes.Keys.SequenceEqual(new[] { "/pools/lab/web1.qcow2" })), string.Join(", ", a.Volumes.Keys));
            Assert.Contains("/pools/lab/web1.qcow2", a.GetLiveGuestDefinition("web1").Disks.Select(d => d.Path));
            Assert.Equal(1, DefinitionsOf("web1"));
        }

        [Fact]
        public void A_cold_move_whose_destination_freezes_at_the_define_fails_naming_it_and_once_thawed_the_vm_is_defined_on_its_source_only()
        {
            var vm = AddVM("cold1", VMState.ShutOff);
            b.FreezeAt("Define");

            var result = Timed(() => ColdMove.Run(Host("a"), Host("b"), vm, CancellationToken.None), Limit + Margin);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Contains("Host 'b' did not answer", result.Message);
            b.Thaw();
            Assert.True(Eventually.Holds(() => DefinitionsOf("cold1") == 1 && b.Volumes.IsEmpty), $"defined {DefinitionsOf("cold1")} times; volumes on b: {string.Join(", ", b.Volumes.Keys)}");
            Assert.NotNull(a.FindGuest(vm.Uuid));
            Assert.True(a.Volumes.ContainsKey("/pools/lab/cold1.qcow2"));
        }

        [Fact]
        public void A_cold_move_whose_source_freezes_at_the_removal_keeps_the_destination_and_once_thawed_the_vm_is_defined_there_only()
        {
            var vm = AddVM("cold1", VMState.ShutOff);
            a.FreezeAt("Undefine");

            var result = Timed(() => ColdMove.Run(Host("a"), Host("b"), vm, CancellationToken.None), Limit + Margin);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Contains("Host 'a' did not answer", result.Message);
            Assert.Contains("virsh undefine cold1", result.Message);
            a.Thaw();
            Assert.True(Eventually.Holds(() => a.FindGuest(vm.Uuid) == null), "the removal never landed");
            Assert.Equal(1, DefinitionsOf("cold1"));
            Assert.NotNull(b.FindGuest(vm.Uuid));
        }

        [Fact]
        public void A_live_move_whose_source_freezes_mid_migration_ends_naming_it_and_once_thawed_the_vm_runs_on_one_host()
        {
            var vm = a.AddGuest("web1");
            a.Outcome = FakeOutcome.Stall;
            a.OnStep = call => { if (call == "Migrate") a.Freeze(); };
            var request = new LiveMigrationRequest(new LocatedVM(Host("a"), vm), Host("b"))
                { Timeout = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromSeconds(30), MeasureDirtyRate = false };

            // The abort cannot reach a silent source: the job waits out the abort grace, then says what it knows.
            var result = Timed(() => new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(CancellationToken.None),
                Limit + LiveMigrationJob.AbortGrace + Margin);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            AssertNamesFrozenHost("a", result.ErrorId, result.Message);
            a.Thaw();
            Assert.True(Eventually.Holds(() => a.Calls.Contains("Abort web1")), "the queued abort never reached the source");
            Assert.True(Eventually.Holds(() => DefinitionsOf("web1") == 1), $"defined {DefinitionsOf("web1")} times");
            Assert.Equal(VMState.Running, a.FindGuest("web1")!.State);
        }

        [Fact]
        public void An_evacuation_whose_source_freezes_mid_migration_reports_the_move_failed_naming_it_and_once_thawed_the_vm_runs_on_one_host()
        {
            a.AddGuest("web1");
            a.Outcome = FakeOutcome.Stall;
            a.OnStep = call => { if (call == "Migrate") a.Freeze(); };
            var maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, new EvacuationOptions
            {
                HostName = "a",
                JournalPath = Path.Combine(directory, "a.json"),
            });
            var observer = new RecordingObserver();

            Timed(() => evacuation.Run(observer, CancellationToken.None), Limit + LiveMigrationJob.AbortGrace + TimeSpan.FromSeconds(3) + Margin);

            var moved = Assert.Single(observer.Results, r => r.VMName == "web1");
            Assert.Equal(MigrationStatus.Failed, moved.Status);
            AssertNamesFrozenHost("a", moved.ErrorId, moved.Message);
            a.Thaw();
            Assert.True(Eventually.Holds(() => DefinitionsOf("web1") == 1), $"defined {DefinitionsOf("web1")} times");
        }

        [Fact]
        public void Listing_vms_across_hosts_with_one_frozen_lists_the_others_within_one_limit_and_names_the_frozen_one()
        {
            a.AddGuest("web1");
            b.AddGuest("web2");
            c.AddGuest("web3");
            c.Freeze();

            IReadOnlyList<MigrationException> failures = Array.Empty<MigrationException>();
            var vms = Timed(() => new Inventory(registry, new MaintenanceStore(Path.Combine(directory, "maintenance.json")))
                .ListVMs(registry.Hosts, CancellationToken.None, out failures), Limit + Margin);

            Assert.Equal(new[] { "web1", "web2" }, vms.Select(v => v.Name));
            AssertNamesFrozenHost("c", Assert.Single(failures).ErrorId, failures[0].Message);
        }

        [Fact]
        public void Once_a_call_to_a_host_overran_later_calls_fail_at_once_until_it_answers_and_then_pass_again()
        {
            b.Freeze();
            var connection = Host("b").Connection;
            Assert.Throws<MigrationException>(() => connection.ListGuests());

            var next = Timed(() => Assert.Throws<MigrationException>(() => connection.GetHostFacts()), TimeSpan.FromMilliseconds(100));
            Assert.Contains("has not answered since, so its host facts was not sent", next.Message);

            b.Thaw();
            Assert.True(Eventually.Holds(() => { try { connection.GetHostFacts(); return true; } catch (MigrationException) { return false; } }));
        }

        [Fact]
        public void A_read_gives_up_on_cancellation_through_the_cancellable_connection_and_a_change_never_does()
        {
            registry.CallTimeout = TimeSpan.FromSeconds(30);
            b.Freeze();
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

            Timed(() => Assert.ThrowsAny<OperationCanceledException>(() => Host("b").CancellableConnection(stop.Token).ListGuests()), TimeSpan.FromSeconds(2));
            registry.CallTimeout = Limit;
            var change = Assert.Throws<MigrationException>(() => Host("b").CancellableConnection(stop.Token).DestroyGuest("web2"));
            AssertNamesFrozenHost("b", change.ErrorId, change.Message);
        }

        private sealed class RecordingObserver : IEvacuationObserver
        {
            public List<MigrationResult> Results { get; } = new List<MigrationResult>();
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { lock (Results) Results.Add(result); }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
        }
    }
}
