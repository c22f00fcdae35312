using System;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Evacuation
{
    public sealed class HostFailbackTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-failback-" + Guid.NewGuid().ToString("N"));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost a;
        private readonly FakeHost b;
        private readonly HostRegistry registry;
        private readonly MaintenanceStore maintenance;
        private readonly Inventory inventory;

        public HostFailbackTests()
        {
            a = cluster.AddHost("fake://a", "a");
            b = cluster.AddHost("fake://b", "b");
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            registry.Connect(new HostUri("fake://a"), "a", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            registry.Connect(new HostUri("fake://b"), "b", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
            inventory = new Inventory(registry, maintenance);
        }

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        /// <summary>Evacuates host a (onto b, the only other host) and takes it out of maintenance again; the journal's path.</summary>
        private string EvacuateAndLeaveMaintenance()
        {
            var journalPath = Path.Combine(directory, "a.json");
            var summary = new HostEvacuation(registry, inventory, maintenance, new EvacuationOptions { HostName = "a", JournalPath = journalPath })
                .Run(new NullObserver(), CancellationToken.None);
            Assert.Equal(2, summary.Moved);
            maintenance.Leave(a.GetHostFacts().HostUuid, "a");
            return journalPath;
        }

        [Fact]
        public void A_failback_holds_the_hosts_while_it_moves_and_is_refused_while_another_run_holds_them()
        {
            var web1 = a.AddGuest("web1");
            a.AddGuest("web2");
            var journalPath = EvacuateAndLeaveMaintenance();
            b.Leases[HostLease.Run] = new HostLease
            {
                Name = HostLease.Run, Id = Guid.NewGuid().ToString(), Holder = "ops@box2 (pid 4242)", Machine = "box2", ProcessId = 4242,
                Purpose = "Invoke-ClusterBalance", Since = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddMinutes(2),
            };

            var refused = Assert.Throws<MigrationException>(() => new HostFailback(registry, inventory).Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList());
            Assert.Equal(ErrorIds.HostHeldByAnotherRun, refused.ErrorId);
            Assert.NotNull(b.FindGuest(web1.Uuid)); // nothing moved back

            b.Leases.TryRemove(HostLease.Run, out _);
            string? heldDuringMove = null;
            b.OnStep = step => { if (step == "Migrate") heldDuringMove ??= b.Leases.TryGetValue(HostLease.Run, out var l) ? l.Purpose : "none"; };
            var results = new HostFailback(registry, inventory).Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList();

            Assert.All(results, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            Assert.Equal("Resume-MigrationHost -Failback of a", heldDuringMove);
            Assert.False(a.Leases.ContainsKey(HostLease.Run), "the failback gave its lease back");
            Assert.False(b.Leases.ContainsKey(HostLease.Run), "the failback gave its lease back");
        }

        [Fact]
        public void A_vm_moved_on_to_a_third_host_since_the_evacuation_is_left_there_and_the_others_come_back()
        {
            var moved = a.AddGuest("web1");
            var stayed = a.AddGuest("web2");
            var journalPath = EvacuateAndLeaveMaintenance();
            Assert.NotNull(b.FindGuest(moved.Uuid));
            // Someone moves web1 on from b to a new host c during the maintenance.
            var c = cluster.AddHost("fake://c", "c");
            var hostC = registry.Connect(new HostUri("fake://c"), "c", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            var onward = new LiveMigrationJob(new LiveMigrationRequest(inventory.Locate(moved.Uuid, "b", CancellationToken.None), hostC), null, TimeSpan.FromMilliseconds(10))
                .Run(CancellationToken.None);
            Assert.Equal(MigrationStatus.Succeeded, onward.Status);
            var migrationsFromC = 0;
            c.OnStep = step => { if (step == "Migrate") Interlocked.Increment(ref migrationsFromC); };

            var results = new HostFailback(registry, inventory).Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList();

            var left = Assert.Single(results, r => r.VMName == "web1");
            Assert.Equal(MigrationStatus.Skipped, left.Status);
            Assert.Equal(ErrorIds.VmMovedOn, left.ErrorId);
            Assert.Contains("has moved on since the evacuation", left.Message);
            Assert.Contains("'c'", left.Message);
            Assert.Contains("it is left there", left.Message);
            // Left where it is: still running on c, not brought back to a nor found on b, and no migration was started from c.
            Assert.Equal(VMState.Running, c.FindGuest(moved.Uuid)!.State);
            Assert.Null(a.FindGuest(moved.Uuid));
            Assert.Null(b.FindGuest(moved.Uuid));
            Assert.Equal(0, Volatile.Read(ref migrationsFromC));
            // The VM still where the evacuation put it does come back, so the failback ran and refused only web1.
            Assert.Equal(MigrationStatus.Succeeded, Assert.Single(results, r => r.VMName == "web2").Status);
            Assert.NotNull(a.FindGuest(stayed.Uuid));
        }

        [Fact]
        public void A_vm_that_moved_to_make_room_is_not_brought_to_the_evacuated_host()
        {
            // The journal of an evacuation of a that moved web1 off a and, to make room, y from c to b.
            var c = cluster.AddHost("fake://c", "c");
            registry.Connect(new HostUri("fake://c"), "c", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            var web1 = b.AddGuest("web1");
            var y = b.AddGuest("y");
            var journalPath = Path.Combine(directory, "a.json");
            Directory.CreateDirectory(directory);
            var journal = EvacuationJournal.Create(journalPath, "a", a.GetHostFacts().HostUuid);
            journal.Record(new EvacuationJournalEntry { VMName = "y", Uuid = y.Uuid, Source = "c", Destination = "b", State = EvacuationStepState.Succeeded });
            journal.Record(new EvacuationJournalEntry { VMName = "web1", Uuid = web1.Uuid, Source = "a", Destination = "b", State = EvacuationStepState.Succeeded });
            journal.Close();

            var results = new HostFailback(registry, inventory).Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList();

            Assert.Equal("web1", Assert.Single(results).VMName);
            Assert.NotNull(a.FindGuest(web1.Uuid));
            Assert.NotNull(b.FindGuest(y.Uuid));
            Assert.Null(a.FindGuest(y.Uuid));
        }

        [Fact]
        public void Failing_back_again_skips_the_vms_already_back_without_an_error_and_moves_nothing()
        {
            var web1 = a.AddGuest("web1");
            a.AddGuest("web2");
            var journalPath = EvacuateAndLeaveMaintenance();
            var failback = new HostFailback(registry, inventory);
            Assert.All(failback.Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList(), r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            var migrations = 0;
            b.OnStep = step => { if (step == "Migrate") Interlocked.Increment(ref migrations); };

            var again = failback.Run(registry.Resolve("a"), journalPath, null, null, CancellationToken.None).ToList();

            Assert.Equal(2, again.Count);
            Assert.All(again, r =>
            {
                Assert.Equal(MigrationStatus.Skipped, r.Status);
                Assert.Null(r.ErrorId);
                Assert.Contains("already runs on 'a'", r.Message);
            });
            Assert.Equal(0, Volatile.Read(ref migrations));
            Assert.NotNull(a.FindGuest(web1.Uuid));
        }

        private sealed class NullObserver : IEvacuationObserver
        {
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
        }
    }
}
