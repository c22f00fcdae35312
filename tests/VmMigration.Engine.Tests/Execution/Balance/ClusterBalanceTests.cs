using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Balance;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;
using Xunit.Abstractions;

namespace VmMigration.Tests.Execution.Balance
{
    /// <summary>
    /// Balance runs on a schedule, on in-memory hosts whose guests use CPU by a clock the test moves on: runs a quarter of
    /// an hour apart take no time. What a user would notice: moves that come back run after run, or that never pay.
    /// </summary>
    public sealed class ClusterBalanceTests : IDisposable
    {
        private static readonly TimeSpan Schedule = TimeSpan.FromMinutes(15);
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-balance-" + Guid.NewGuid().ToString("N"));
        private readonly ManualClock clock = new ManualClock(new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly ITestOutputHelper output;

        public ClusterBalanceTests(ITestOutputHelper output)
        {
            this.output = output;
            cluster.Clock = () => clock.UtcNow;
            foreach (var name in new[] { "a", "b", "c" }) cluster.AddHost("fake://" + name, name);
        }

        public void Dispose()
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, true);
        }

        /// <summary>A runner: its own session of the hosts and its own state directory (another machine).</summary>
        private (HostRegistry Registry, LoadHistoryStore History) Runner(string name)
        {
            var registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            foreach (var host in new[] { "a", "b", "c" })
                registry.Connect(new HostUri("fake://" + host), host, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            return (registry, new LoadHistoryStore(Path.Combine(directory, name, LoadHistoryStore.FileName)));
        }

        private GuestInfo Guest(string host, string name, long memoryMB, int vcpus, double cpuPercent)
        {
            var guest = cluster["fake://" + host].AddGuest(name, memoryMB: memoryMB);
            guest.VCpuCount = vcpus;
            cluster.SetCpuUsage(name, cpuPercent);
            return guest;
        }

        /// <summary>One scheduled run: plan and move, then the clock goes on to the next run.</summary>
        private (ClusterBalanceSummary Summary, List<MigrationResult> Results) Run((HostRegistry Registry, LoadHistoryStore History) runner, ClusterBalanceOptions? options = null)
        {
            options ??= new ClusterBalanceOptions();
            options.SampleWindow = TimeSpan.FromSeconds(10);
            var balance = new ClusterBalance(runner.Registry, new Inventory(runner.Registry, new MaintenanceStore(Path.Combine(directory, "maintenance.json"))), runner.History, options, clock);
            var observer = new Results();
            var plan = balance.Plan(observer, CancellationToken.None);
            var summary = balance.Run(plan, plan.Steps, observer, CancellationToken.None);
            output.WriteLine($"{clock.UtcNow:HH:mm} {summary.Message} {string.Join("; ", observer.Moves.Select(r => $"{r.VMName} {r.Source}->{r.Destination} {r.Status}"))}");
            clock.Advance(Schedule);
            return (summary, observer.Moves);
        }

        /// <summary>Six busy guests on one host, two idle hosts: the first run has something to do, and nothing changes after.</summary>
        private void Crowded()
        {
            for (int i = 1; i <= 6; i++) Guest("a", "web" + i, 2048, 1, 30);
        }

        [Fact]
        public void Ten_runs_on_an_unchanged_cluster_move_only_in_the_first()
        {
            Crowded();
            var runner = Runner("one");
            var runs = Enumerable.Range(0, 10).Select(_ => Run(runner)).ToList();

            Assert.NotEmpty(runs[0].Results);
            Assert.All(runs[0].Results, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            Assert.All(runs.Skip(1), run => Assert.Empty(run.Results));
            Assert.All(runs.Skip(1), run => Assert.Equal(0, run.Summary.Planned));
            Assert.True(runs.Last().Summary.WithinThreshold, runs.Last().Summary.Message);
            Assert.StartsWith("Balanced within threshold", runs.Last().Summary.Message);
        }

        /// <summary>Memory even; on a, one busy guest and 'flap', busy on every other run; b and c idle.</summary>
        private List<MigrationResult> TenFlappingRuns(Func<(HostRegistry, LoadHistoryStore)> runnerForRun)
        {
            Guest("a", "flap", 2048, 1, 100);
            Guest("a", "hot", 2048, 1, 100);
            Guest("b", "m1", 4096, 1, 5);
            Guest("c", "m2", 4096, 1, 5);
            var moves = new List<MigrationResult>();
            for (int run = 0; run < 10; run++)
            {
                cluster.SetCpuUsage("flap", run % 2 == 0 ? 100 : 0);
                // A cooldown as short as the schedule: only the smoothing, the threshold and the cost-benefit keep it still.
                moves.AddRange(Run(runnerForRun(), new ClusterBalanceOptions { CooldownMinutes = 15 }).Results);
            }
            return moves;
        }

        [Fact]
        public void A_guest_whose_cpu_flaps_every_run_moves_at_most_once_in_ten_runs()
        {
            var runner = Runner("one");
            var moves = TenFlappingRuns(() => runner);
            Assert.True(moves.Count(m => m.VMName == "flap") <= 1, string.Join(", ", moves.Select(m => m.VMName)));
            Assert.True(moves.Count <= 1, "Nor are the others pushed around in its stead: " + string.Join(", ", moves.Select(m => m.VMName)));
        }

        [Fact]
        public void Planning_from_each_window_alone_would_follow_the_flapping_guest()
        {
            // The control of the test above: a runner with no history each run (today's one-window planning) moves on the flaps.
            int run = 0;
            var moves = TenFlappingRuns(() => Runner("fresh" + run++));
            Assert.True(moves.Count > 1, string.Join(", ", moves.Select(m => m.VMName)));
        }

        [Fact]
        public void The_cooldown_is_read_from_the_vm_itself_so_another_runner_respects_it()
        {
            Crowded();
            var first = Run(Runner("one"));
            var moved = Assert.Single(first.Results.Take(1));
            var record = cluster["fake://" + moved.Destination].BalanceRecords[moved.VMName];
            Assert.Equal(moved.Source, record.Source);

            // Another machine, with no history of its own, sees the cluster lopsided again (the moved VMs went busy):
            // it may move others, never the ones the first runner moved within the cooldown.
            foreach (var result in first.Results) cluster.SetCpuUsage(result.VMName, 100);
            var second = Run(Runner("two"), new ClusterBalanceOptions { Threshold = 0.01, TargetScore = 0, MinImprovement = 0 });
            Assert.Equal(first.Results.Count, second.Summary.CoolingDown);
            Assert.DoesNotContain(second.Results, r => first.Results.Any(f => f.VMName == r.VMName));
            var held = second.Summary.Plan!.Balance!.CoolingDown;
            Assert.All(held, h => Assert.Equal(PlanReasonCodes.CoolingDown, h.Reason.Code));
        }

        [Fact]
        public void A_vm_moved_by_balancing_may_move_again_once_its_cooldown_has_passed()
        {
            Crowded();
            var runner = Runner("one");
            var first = Run(runner, new ClusterBalanceOptions { MaxMoves = 1 });
            var moved = Assert.Single(first.Results);
            clock.Advance(TimeSpan.FromMinutes(61));
            var later = Run(runner, new ClusterBalanceOptions { Threshold = 0.01, TargetScore = 0, MinImprovement = 0 });
            Assert.DoesNotContain(later.Summary.Plan!.Balance!.CoolingDown, h => h.VMName == moved.VMName);
        }

        [Fact]
        public void Below_the_threshold_the_plan_is_empty_and_says_so_with_the_figures()
        {
            Guest("a", "x", 2048, 1, 30);
            Guest("b", "y", 2048, 1, 30);
            Guest("c", "z", 1024, 1, 10);
            var run = Run(Runner("one"), new ClusterBalanceOptions { Threshold = 0.1, TargetScore = 0 });
            Assert.Empty(run.Results);
            Assert.True(run.Summary.WithinThreshold);
            var plan = run.Summary.Plan!;
            Assert.Empty(plan.Steps);
            Assert.Matches(@"^Balanced within threshold: load spread 0\.0\d\d \(smoothed; 0\.0\d\d this window\) is at or below the threshold 0\.100", plan.Balance!.Summary);
            Assert.Equal(3, plan.Balance.Hosts.Count);
            Assert.Equal(30, plan.Balance.VMs.Single(v => v.Name == "x").InstantCpuPercent!.Value, 1);
        }

        [Fact]
        public void A_move_whose_gain_does_not_pay_for_its_cost_is_refused_and_the_plan_says_both()
        {
            // The only helpful move copies 16 GiB to lower the spread by 0.02: less than 4 times its cost.
            foreach (var host in new[] { "a", "b", "c" }) { cluster["fake://" + host].MemoryMB = 262144; cluster["fake://" + host].FreeMemoryMB = 200000; }
            Guest("a", "base", 65536, 1, 10);
            Guest("a", "x", 16384, 1, 10);
            Guest("b", "y", 49152, 1, 10);
            Guest("c", "z", 49152, 1, 10);
            var refused = Run(Runner("one"), new ClusterBalanceOptions { Threshold = 0.001, TargetScore = 0, MinImprovement = 4 });
            Assert.Empty(refused.Results);
            var why = Assert.Single(refused.Summary.Plan!.Balance!.NotWorthMoving);
            Assert.Equal("x", why.VMName);
            Assert.Equal(PlanReasonCodes.GainDoesNotPay, why.Reason.Code);
            Assert.Matches(@"gain \d+ core-s .* against a cost of [\d.]+ core-s \(predicted [\d.]+ s, \d+ MiB copied, \d+ ms downtime\)", why.Reason.Text);
            Assert.Contains("does not pay for its cost", refused.Summary.Message);

            // Without the cost-benefit check the same move is planned: the check, not the cluster, refused it.
            var unchecked_ = Run(Runner("two"), new ClusterBalanceOptions { Threshold = 0.001, TargetScore = 0, MinImprovement = 0 });
            Assert.Contains(unchecked_.Results, r => r.VMName == "x" && r.Status == MigrationStatus.Succeeded);
        }

        [Fact]
        public void A_planned_move_states_its_gain_and_cost()
        {
            Crowded();
            var run = Run(Runner("one"));
            var step = run.Summary.Plan!.Steps.First();
            Assert.Contains("Worth it: gain", step.Reason.Text);
            Assert.True(step.PredictedGainCoreSec > 4 * step.PredictedCostCoreSec);
        }

        [Fact]
        public void When_a_move_fails_the_later_waves_that_counted_on_it_do_not_start()
        {
            Guest("a", "first", 1024, 1, 10);
            Guest("c", "second", 1024, 1, 10);
            cluster["fake://a"].Outcome = FakeOutcome.DestinationDies;
            var runner = Runner("one");
            var plan = new MigrationPlan
            {
                Goal = PlanGoal.Balance,
                Steps = new List<MigrationPlanStep>
                {
                    new MigrationPlanStep { Order = 1, Wave = 1, VMName = "first", Source = "a", Destination = "b", MemoryMB = 1024 },
                    new MigrationPlanStep { Order = 2, Wave = 2, VMName = "second", Source = "c", Destination = "a", MemoryMB = 1024 },
                },
            };
            var observer = new Results();
            var summary = new ClusterBalance(runner.Registry, new Inventory(runner.Registry), runner.History, new ClusterBalanceOptions(), clock)
                .Run(plan, plan.Steps, observer, CancellationToken.None);

            Assert.NotEqual(MigrationStatus.Succeeded, observer.Moves.Single(m => m.VMName == "first").Status);
            var second = observer.Moves.Single(m => m.VMName == "second");
            Assert.Equal(MigrationStatus.Skipped, second.Status);
            Assert.Equal(ErrorIds.EarlierMoveFailed, second.ErrorId);
            Assert.Equal((1, 1), (summary.Failed, summary.NotStarted));
            Assert.NotNull(cluster["fake://c"].Guest("second"));
        }

        private sealed class Results : IEvacuationObserver
        {
            public List<MigrationResult> Moves { get; } = new List<MigrationResult>();
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { lock (Moves) Moves.Add(result); }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
        }
    }
}
