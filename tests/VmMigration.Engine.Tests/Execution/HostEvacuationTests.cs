using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution;
using VmMigration.Session;
using VmMigration.Storage;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution
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
            registry = new HostRegistry(cluster);
            registry.Connect("fake://a", "a", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            registry.Connect("fake://b", "b", null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
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

        private sealed class NullObserver : IEvacuationObserver
        {
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
        }
    }
}
