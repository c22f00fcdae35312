using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Cold;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Evacuation
{
    public sealed class HostEvacuationTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-evac-" + Guid.NewGuid().ToString("N"));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost a;
        private readonly HostRegistry registry;
        private readonly MaintenanceStore maintenance;

        public HostEvacuationTests()
        {
            a = cluster.AddHost("fake://a", "a");
            cluster.AddHost("fake://b", "b");
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            registry.Connect(new HostUri("fake://a"), "a", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            registry.Connect(new HostUri("fake://b"), "b", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
            a.AddGuest("web1");
        }

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        /// <summary>An Evacuate plan of host a whose only VM has gone since it was made.</summary>
        private static MigrationPlan StalePlan() => new MigrationPlan
        {
            Goal = PlanGoal.Evacuate,
            Hosts = new List<string> { "a" },
            Steps = new List<MigrationPlanStep> { new MigrationPlanStep { Order = 1, VMName = "gone", Source = "a", Destination = "b", MemoryMB = 256 } },
        };

        private HostEvacuation Evacuation(MigrationPlan? plan) => new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, new EvacuationOptions
        {
            HostName = "a",
            Plan = plan,
            JournalPath = Path.Combine(directory, "a.json"),
        });

        [Fact]
        public void A_stale_plan_is_refused_and_leaves_the_host_out_of_maintenance_and_without_a_journal()
        {
            var error = Assert.Throws<MigrationException>(() => Evacuation(StalePlan()).Run(new NullObserver(), CancellationToken.None));

            Assert.Equal(ErrorIds.PlanIsStale, error.ErrorId);
            Assert.Empty(maintenance.List());
            Assert.False(File.Exists(Path.Combine(directory, "a.json")));
        }

        [Fact]
        public void A_stale_plan_never_clears_a_maintenance_mark_that_was_there_before_the_run()
        {
            var uuid = a.GetHostFacts().HostUuid;
            maintenance.Enter(uuid, "a", "disk replacement", null);

            var error = Assert.Throws<MigrationException>(() => Evacuation(StalePlan()).Run(new NullObserver(), CancellationToken.None));

            Assert.Equal(ErrorIds.PlanIsStale, error.ErrorId);
            var mark = Assert.Single(maintenance.List());
            Assert.Equal(uuid, mark.HostUuid);
            Assert.Equal("disk replacement", mark.Reason);
        }

        [Fact]
        public void A_run_that_starts_leaves_the_host_in_maintenance()
        {
            var summary = Evacuation(null).Run(new NullObserver(), CancellationToken.None);

            Assert.Equal(1, summary.Moved);
            Assert.NotNull(maintenance.Find(a.GetHostFacts().HostUuid, "a"));
        }

        [Fact]
        public void Resume_after_a_run_killed_mid_cold_copy_deletes_the_partial_copy_then_moves_the_vm_with_its_disk()
        {
            const long MiB = 1L << 20;
            var b = cluster["fake://b"];
            a.AddPool("lab", 1024 * MiB);
            b.AddPool("lab", 1024 * MiB).TargetPath = "/srv/b/lab";
            var disk = a.AddVolume("lab", "cold1.qcow2", 64 * MiB, 20 * MiB);
            var cold = a.AddGuest("cold1", VMState.ShutOff);
            a.Definitions["cold1"] = new GuestDefinition("cold1", cold.Uuid, new[] { new GuestDisk("vda", disk.Path, "qcow2") });
            b.AddVolume("lab", "cold1.qcow2", 64 * MiB, 3 * MiB);   // what the killed run had copied
            var journalPath = Path.Combine(directory, "a.json");
            Directory.CreateDirectory(directory);
            var journal = EvacuationJournal.Create(journalPath, "a", a.GetHostFacts().HostUuid);
            journal.Record(new EvacuationJournalEntry
            {
                VMName = "cold1", Uuid = cold.Uuid, Source = "a", Destination = "b", State = EvacuationStepState.InFlight,
                ColdCopies = new List<ColdCopy> { new ColdCopy { Source = disk.Path, Copy = "/srv/b/lab/cold1.qcow2" } },
            });
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance,
                new EvacuationOptions { HostName = "a", JournalPath = journalPath, Resume = true, IncludeStopped = true });

            var summary = evacuation.Run(new NullObserver(), CancellationToken.None);

            Assert.Equal(0, summary.Failed);
            Assert.Null(a.FindGuest("cold1"));
            Assert.NotNull(b.FindGuest(cold.Uuid));
            Assert.Equal(20 * MiB, b.Volumes["/srv/b/lab/cold1.qcow2"].AllocationBytes);   // a whole new copy, not the partial one grown
            Assert.False(a.Volumes.ContainsKey(disk.Path));
            Assert.Contains("DeleteVolume /srv/b/lab/cold1.qcow2", b.Calls);
            var entry = Assert.Single(EvacuationJournal.Load(journalPath).Entries, e => e.Uuid == cold.Uuid);
            Assert.Equal(EvacuationStepState.Succeeded, entry.State);
            Assert.Null(entry.ColdCopies);
        }

        private HostEvacuation EvacuationWith(Action<EvacuationOptions> configure)
        {
            var options = new EvacuationOptions { HostName = "a", JournalPath = Path.Combine(directory, "a.json") };
            configure(options);
            return new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, options);
        }

        /// <summary>How many live migrations were started from <paramref name="host"/> (the fake's MigrateLive calls).</summary>
        private static Func<int> CountMigrations(FakeHost host)
        {
            var count = 0;
            host.OnStep = step => { if (step == "Migrate") Interlocked.Increment(ref count); };
            return () => Volatile.Read(ref count);
        }

        [Fact]
        public void A_moved_vm_carries_the_prediction_made_before_it_started_beside_what_happened()
        {
            a.AddGuest("web1", memoryMB: 1024);
            var observer = new RecordingObserver();

            EvacuationWith(o => o.BandwidthMBps = 100).Run(observer, CancellationToken.None);

            var moved = Assert.Single(observer.Results, r => r.VMName == "web1");
            Assert.Equal(MigrationStatus.Succeeded, moved.Status);
            var prediction = Assert.IsType<MigrationPrediction>(moved.Prediction);
            var expected = new ConvergenceModel(prediction.BandwidthMBps, 300).Predict(1024, prediction.DirtyRateMBps);
            Assert.True(prediction.BandwidthMBps > 0 && prediction.BandwidthMBps <= 100);
            Assert.Equal((long)Math.Round(expected.DurationSec * 1000), prediction.DurationMs);
            Assert.True(prediction.TransferredBytes >= 1024L << 20);
        }

        [Fact]
        public void A_move_predicted_to_end_after_the_deadline_is_not_started_and_its_vm_stays_running_on_the_source()
        {
            var b = cluster["fake://b"];
            var big = a.AddGuest("big1", memoryMB: 4096);   // 4096 MiB at 10 MB/s: about 410 s, the deadline is 120 s away
            var migrations = CountMigrations(a);
            var observer = new RecordingObserver();

            var summary = EvacuationWith(o => { o.BandwidthMBps = 10; o.Deadline = DateTime.UtcNow.AddSeconds(120); }).Run(observer, CancellationToken.None);

            var skipped = Assert.Single(observer.Results, r => r.VMName == "big1");
            Assert.Equal(MigrationStatus.Skipped, skipped.Status);
            Assert.Equal(ErrorIds.DeadlineWouldBeMissed, skipped.ErrorId);
            Assert.Contains("Not started", skipped.Message);
            Assert.Contains("predicted to take", skipped.Message);
            Assert.Contains("before the deadline", skipped.Message);
            Assert.Equal("a", skipped.RunningOn);
            // Never started moving: still running on a, nothing of it on b.
            Assert.Equal(VMState.Running, a.FindGuest(big.Uuid)!.State);
            Assert.Null(b.FindGuest(big.Uuid));
            // The small VM fits the deadline and moved, so the deadline refused one move, not the run.
            Assert.Equal(MigrationStatus.Succeeded, Assert.Single(observer.Results, r => r.VMName == "web1").Status);
            Assert.Equal(1, migrations());
            Assert.Equal(1, summary.Moved);
            Assert.Equal(1, summary.NotStarted);
            Assert.Equal(0, summary.Failed);
            var entry = Assert.Single(EvacuationJournal.Load(Path.Combine(directory, "a.json")).Entries, e => e.Uuid == big.Uuid);
            Assert.Equal(EvacuationStepState.NotStarted, entry.State);
        }

        [Fact]
        public void With_stop_on_error_a_failed_move_leaves_the_later_moves_not_started_and_their_vms_on_the_source()
        {
            var b = cluster["fake://b"];
            a.AddGuest("web2");
            a.AddGuest("web3");
            // The first move fails (its connection drops; b stays healthy, so it is no destination failure); any later one would succeed.
            var migrations = 0;
            a.OnStep = step =>
            {
                if (step == "Migrate")
                {
                    a.Outcome = Interlocked.Increment(ref migrations) == 1 ? FakeOutcome.DestinationDies : FakeOutcome.Succeed;
                }
            };
            var observer = new RecordingObserver();

            var summary = EvacuationWith(o => { o.StopOnError = true; o.MaxConcurrent = 1; }).Run(observer, CancellationToken.None);

            Assert.Equal(1, Volatile.Read(ref migrations));
            var failed = Assert.Single(observer.Results, r => r.Status == MigrationStatus.Failed);
            var notStarted = observer.Results.Where(r => r.VMName != failed.VMName).ToList();
            Assert.Equal(2, notStarted.Count);
            foreach (var result in notStarted)
            {
                Assert.Equal(MigrationStatus.Skipped, result.Status);
                Assert.Equal(ErrorIds.StoppedOnError, result.ErrorId);
                Assert.Contains("an earlier move failed", result.Message);
                Assert.Contains("-StopOnError", result.Message);
                Assert.Equal("a", result.RunningOn);
                Assert.Equal(VMState.Running, a.FindGuest(result.VMName)!.State);
                Assert.Null(b.FindGuest(result.VMName));
            }
            Assert.Equal(0, summary.Moved);
            Assert.Equal(1, summary.Failed);
            Assert.Equal(2, summary.NotStarted);
            var journal = EvacuationJournal.Load(Path.Combine(directory, "a.json"));
            Assert.All(notStarted, r => Assert.Equal(EvacuationStepState.NotStarted, Assert.Single(journal.Entries, e => e.VMName == r.VMName).State));
        }

        [Fact]
        public void A_vm_that_fits_only_once_another_moves_is_moved_after_the_move_that_makes_room()
        {
            // 16 GB hosts without reserves: big (10 GB) fits neither on b (8 GB free) nor on c (6 GB free) until a VM of
            // c leaves for b. The plan's make-room step runs first, then big and web1 move, and a ends up empty.
            var b = cluster["fake://b"];
            // The fake's free memory is a fixed number its guests do not change: enough for big once room is made.
            var c = cluster.AddHost("fake://c", "c", freeMemoryMB: 10240);
            registry.Connect(new HostUri("fake://c"), "c", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            var big = a.AddGuest("big", memoryMB: 10240);
            b.AddGuest("x", memoryMB: 8192);
            c.AddGuest("y", memoryMB: 4096);
            c.AddGuest("w", memoryMB: 6144);
            var observer = new RecordingObserver();

            var summary = Evacuation(null).Run(observer, CancellationToken.None);

            var results = observer.Results;
            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            Assert.Contains(results[0].VMName, new[] { "y", "w" });
            Assert.Equal(("c", "b"), (results[0].Source, results[0].Destination));
            Assert.NotNull(c.FindGuest(big.Uuid));
            Assert.Empty(a.ListGuests());
            Assert.True(b.ListGuests().Sum(g => g.MemoryMB) <= 16384 && c.ListGuests().Sum(g => g.MemoryMB) <= 16384);
            Assert.Equal((2, 1, 0), (summary.Moved, summary.MadeRoom, summary.Failed));
        }

        private sealed class RecordingObserver : IEvacuationObserver
        {
            private readonly List<MigrationResult> results = new List<MigrationResult>();

            public IReadOnlyList<MigrationResult> Results
            {
                get { lock (results) return results.ToList(); }
            }

            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { lock (results) results.Add(result); }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
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
