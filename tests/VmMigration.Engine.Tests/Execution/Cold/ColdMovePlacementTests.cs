using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Cold
{
    /// <summary>Invoke-HostEvacuation -IncludeStopped: shut-off VMs are placed by the planner, with the running ones.</summary>
    public sealed class ColdMovePlacementTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-coldplace-" + Guid.NewGuid().ToString("N"));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost lab1, lab2, lab3;
        private readonly HostRegistry registry;
        private readonly MaintenanceStore maintenance;

        public ColdMovePlacementTests()
        {
            lab1 = cluster.AddHost("fake://lab1", "lab1");
            lab2 = cluster.AddHost("fake://lab2", "lab2");
            lab3 = cluster.AddHost("fake://lab3", "lab3");
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            foreach (var name in new[] { "lab1", "lab2", "lab3" })
            {
                registry.Connect(new HostUri("fake://" + name), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
        }

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        /// <summary>A shut-off VM without disks: its cold move is its definition alone.</summary>
        private static void AddStopped(FakeHost host, string name, long memoryMB = 256)
        {
            var guest = host.AddGuest(name, VMState.ShutOff, memoryMB);
            host.Definitions[name] = new GuestDefinition(name, guest.Uuid);
        }

        private static PlacementRule Rule(string name, PlacementRuleKind kind, IEnumerable<string> vms, params string[] hosts) =>
            new PlacementRule { Name = name, Kind = kind, VMs = vms.ToList(), Hosts = hosts.ToList() };

        private (EvacuationSummary Summary, List<MigrationResult> Results) Evacuate(ClusterRules? rules = null)
        {
            var observer = new RecordingObserver();
            var summary = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, new EvacuationOptions
            {
                HostName = "lab1",
                Rules = rules,
                IncludeStopped = true,
                JournalPath = Path.Combine(directory, "lab1.json"),
            }).Run(observer, CancellationToken.None);
            return (summary, observer.Results);
        }

        private string HostOf(string vm) => new[] { lab1, lab2, lab3 }.Single(h => h.FindGuest(vm) != null).Hostname;

        [Fact]
        public void Four_stopped_VMs_keep_a_must_not_run_on_rule_and_are_spread_over_the_hosts()
        {
            foreach (var name in new[] { "cold1", "cold2", "cold3", "cold4" })
            {
                AddStopped(lab1, name);
            }
            var rules = new ClusterRules { Rules = { Rule("not-on-lab2", PlacementRuleKind.MustNotRunOn, new[] { "cold1", "cold2" }, "lab2") } };

            var (summary, _) = Evacuate(rules);

            Assert.Equal(4, summary.Moved);
            Assert.Equal("lab3", HostOf("cold1"));
            Assert.Equal("lab3", HostOf("cold2"));
            var hosts = new[] { "cold1", "cold2", "cold3", "cold4" }.Select(HostOf).ToList();
            Assert.DoesNotContain("lab1", hosts);
            Assert.True(hosts.Distinct().Count() > 1, "all four went to " + hosts[0]);
            Assert.Equal(VMState.ShutOff, lab2.FindGuest("cold3")?.State ?? lab3.FindGuest("cold3")!.State);
        }

        [Fact]
        public void A_stopped_VM_larger_than_any_host_stays_and_its_result_says_why()
        {
            AddStopped(lab1, "huge", memoryMB: 20000);   // the fake's hosts have 16384 MB

            var (summary, results) = Evacuate();

            Assert.Equal("lab1", HostOf("huge"));
            var result = Assert.Single(results, r => r.VMName == "huge");
            Assert.Equal(MigrationStatus.Skipped, result.Status);
            Assert.Equal(ErrorIds.VmTooLarge, result.ErrorId);
            Assert.Contains("20000 MB", result.Message);
            Assert.Equal(1, summary.NotStarted);
        }

        [Fact]
        public void Stopped_VMs_count_with_their_memory_so_running_and_stopped_never_overfill_a_host_together()
        {
            // lab3 is barred; lab2 (16384 MB) can hold the running VM or the stopped one, not both.
            lab1.AddGuest("web", VMState.Running, 9000);
            AddStopped(lab1, "cold", 9000);
            var rules = new ClusterRules { MaintenanceHosts = { "lab3" } };

            var (_, results) = Evacuate(rules);

            Assert.Single(results, r => r.Status == MigrationStatus.Succeeded);
            var unplaced = Assert.Single(results, r => r.Status == MigrationStatus.Skipped);
            Assert.Equal(ErrorIds.NoEvacuationTarget, unplaced.ErrorId);
            Assert.Single(lab2.ListGuests());
        }

        [Fact]
        public void A_stopped_VM_follows_the_running_VM_it_has_affinity_with()
        {
            // db has no host rule of its own: only its affinity with app takes it to lab3 (lab2 ties and comes first by name).
            lab1.AddGuest("app", VMState.Running);
            AddStopped(lab1, "db");
            var rules = new ClusterRules
            {
                Rules =
                {
                    Rule("app-with-db", PlacementRuleKind.Affinity, new[] { "app", "db" }),
                    Rule("app-on-lab3", PlacementRuleKind.MustRunOn, new[] { "app" }, "lab3"),
                },
            };

            var (summary, _) = Evacuate(rules);

            Assert.Equal(2, summary.Moved);
            Assert.Equal("lab3", HostOf("app"));
            Assert.Equal("lab3", HostOf("db"));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_host_in_maintenance_is_never_a_cold_destination(bool markedByMaintenanceMode)
        {
            // Maintenance mode (Invoke-HostEvacuation, the mark every process sees) or the rules file's MaintenanceHosts.
            if (markedByMaintenanceMode) maintenance.Enter(lab2.HostUuid, "lab2", "disk replacement", null);
            var rules = markedByMaintenanceMode ? null : new ClusterRules { MaintenanceHosts = { "lab2" } };
            lab3.AddGuest("busy", VMState.Running, 12000);   // lab2 has far more memory left
            AddStopped(lab1, "cold1");
            AddStopped(lab1, "cold2");

            var (summary, _) = Evacuate(rules);

            Assert.Equal(2, summary.Moved);
            Assert.Equal("lab3", HostOf("cold1"));
            Assert.Equal("lab3", HostOf("cold2"));
            Assert.Null(lab2.FindGuest("cold1"));
        }

        private MigrationPlan PlanEvacuation(bool includeStopped) => MigrationPlanner.Plan(
            LiveInventory.Capture(new Inventory(registry, maintenance), registry.Hosts, includeStopped, CancellationToken.None, out _), null,
            new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = { "lab1" }, IncludeStopped = includeStopped });

        [Fact]
        public void An_evacuate_plan_with_stopped_VMs_has_their_cold_moves_and_the_evacuation_follows_it()
        {
            lab1.AddGuest("web", VMState.Running);
            AddStopped(lab1, "cold1");
            AddStopped(lab1, "cold2");
            var plan = PlanEvacuation(includeStopped: true);

            var observer = new RecordingObserver();
            var summary = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, new EvacuationOptions
            {
                HostName = "lab1",
                Plan = plan,
                JournalPath = Path.Combine(directory, "lab1.json"),
            }).Run(observer, CancellationToken.None);

            Assert.Equal(new[] { PlanStepKind.ColdMove, PlanStepKind.ColdMove, PlanStepKind.LiveMigration },
                plan.Steps.OrderBy(s => s.VMName, StringComparer.Ordinal).Select(s => s.Kind));
            Assert.Equal(3, summary.Moved);
            foreach (var step in plan.Steps)
            {
                Assert.Equal(step.Destination, HostOf(step.VMName));
            }
        }

        [Fact]
        public void An_evacuate_plan_without_stopped_VMs_neither_moves_them_nor_keeps_room_for_them()
        {
            lab1.AddGuest("web", VMState.Running);
            AddStopped(lab1, "cold1");

            var plan = PlanEvacuation(includeStopped: false);

            var step = Assert.Single(plan.Steps);
            Assert.Equal("web", step.VMName);
            Assert.Equal(PlanStepKind.LiveMigration, step.Kind);
            Assert.Empty(plan.Unplaced);
        }

        [Fact]
        public void IncludeStopped_with_a_plan_made_without_it_is_refused_before_the_host_enters_maintenance()
        {
            lab1.AddGuest("web", VMState.Running);
            AddStopped(lab1, "cold1");
            var plan = PlanEvacuation(includeStopped: false);

            var error = Assert.Throws<Errors.MigrationException>(() => new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance,
                new EvacuationOptions { HostName = "lab1", Plan = plan, IncludeStopped = true, JournalPath = Path.Combine(directory, "lab1.json") })
                .Run(new RecordingObserver(), CancellationToken.None));

            Assert.Equal(Errors.ErrorIds.InvalidArgument, error.ErrorId);
            Assert.Contains("-IncludeStopped", error.Message);
            Assert.Empty(maintenance.List());
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
