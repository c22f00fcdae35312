using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using Xunit;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>A run stopped or killed in any phase: the journal says where, and -Resume goes on from there, nothing moved twice.</summary>
    public sealed class RollingMaintenanceResumeTests : IDisposable
    {
        private readonly RollingCluster cluster = new RollingCluster("a", "b", "c");
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private int migrations;

        public RollingMaintenanceResumeTests()
        {
            cluster["a"].AddGuest("a1");
            cluster["a"].AddGuest("a2");
            cluster["b"].AddGuest("b1");
            foreach (var host in new[] { "a", "b", "c" })
            {
                cluster[host].OnStep = step => { if (step == "Migrate") Interlocked.Increment(ref migrations); };
            }
        }

        public void Dispose()
        {
            stop.Dispose();
            cluster.Dispose();
        }

        /// <summary>The first run, stopped as host a enters <paramref name="phase"/>: the journal is the one written at that phase.</summary>
        private RecordingMaintenanceObserver RunStoppedAt(MaintenancePhase phase)
        {
            var observer = new RecordingMaintenanceObserver { OnPhase = (host, entered) => { if (host == "a" && entered == phase) stop.Cancel(); } };
            var summary = cluster.Run(cluster.Options("a", "b", "c"), observer, stop.Token);
            Assert.Equal($"host 'a', phase {phase}", summary.StoppedAt);
            return observer;
        }

        /// <summary>-Resume, in a new session (a new registry), as after the runner was killed.</summary>
        private (RollingMaintenanceSummary Summary, RecordingMaintenanceObserver Observer) Resume(params string[] connected)
        {
            cluster.NewRegistry(connected.Length == 0 ? new[] { "a", "b", "c" } : connected);
            var options = cluster.Options("a", "b", "c");
            options.Resume = true;
            var observer = new RecordingMaintenanceObserver();
            return (cluster.Run(options, observer), observer);
        }

        private void AssertEveryVMHomeAndNothingMovedTwice()
        {
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a2"));
            Assert.Equal(new[] { "b" }, cluster.RunningOn("b1"));
            Assert.Empty(cluster.Maintenance.List());
            // Out and back, once each: a's two VMs and b's one.
            Assert.Equal(6, Volatile.Read(ref migrations));
        }

        [Theory]
        [InlineData(MaintenancePhase.Draining)]
        [InlineData(MaintenancePhase.Script)]
        [InlineData(MaintenancePhase.WaitingForHost)]
        [InlineData(MaintenancePhase.HealthCheck)]
        [InlineData(MaintenancePhase.Failback)]
        public void A_run_stopped_as_a_host_enters_a_phase_resumes_from_that_phase_and_completes(MaintenancePhase phase)
        {
            var stopped = RunStoppedAt(phase);
            var inHand = stopped.ResultOf("a");
            Assert.Equal(ErrorIds.MaintenanceStopped, inHand.ErrorId);
            Assert.Equal(phase, inHand.Phase);
            Assert.Equal(ErrorIds.MaintenanceStopped, stopped.ResultOf("b").ErrorId);
            Assert.Equal(HostMaintenanceStatus.NotStarted, stopped.ResultOf("b").Status);
            var journal = RollingMaintenanceJournal.Load(cluster.JournalPath);
            Assert.Null(journal.EndedAt);
            Assert.Equal((MaintenanceHostState.InProgress, phase), (journal.Find("a")!.State, journal.Find("a")!.Phase));

            var (summary, resumed) = Resume();

            Assert.All(resumed.Results, r => Assert.Equal(HostMaintenanceStatus.Succeeded, r.Status));
            Assert.Equal(new[] { "a", "b", "c" }, resumed.Results.Select(r => r.HostName));
            Assert.Equal(3, summary.Succeeded);
            Assert.Equal(6, summary.Moves);
            Assert.Equal(1, cluster.Scripts.CountOf(MaintenanceScript.Script, "a"));
            Assert.NotNull(RollingMaintenanceJournal.Load(cluster.JournalPath).EndedAt);
            AssertEveryVMHomeAndNothingMovedTwice();
        }

        [Fact]
        public void A_script_cut_off_by_the_stop_runs_again_on_resume()
        {
            var attempts = 0;
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                if (host.Name == "a" && Interlocked.Increment(ref attempts) == 1)
                {
                    stop.Cancel();   // the runner is stopped while the script runs; the script gives up
                    return FakeScripts.Failed("the pipeline was stopped");
                }
                return MaintenanceScriptOutcome.Succeeded($"patched {host.Name}");
            };
            var first = cluster.Run(cluster.Options("a", "b", "c"), new RecordingMaintenanceObserver(), stop.Token);
            Assert.Equal("host 'a', phase Script", first.StoppedAt);

            var (_, resumed) = Resume();

            Assert.Equal(2, cluster.Scripts.CountOf(MaintenanceScript.Script, "a"));
            Assert.Equal(HostMaintenanceStatus.Succeeded, resumed.ResultOf("a").Status);
            AssertEveryVMHomeAndNothingMovedTwice();
        }

        [Fact]
        public void Resumed_in_a_new_session_while_the_host_is_still_down_the_run_connects_it_once_it_is_back()
        {
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                if (host.Name == "a") cluster["a"].GoDown();
                return MaintenanceScriptOutcome.Succeeded();
            };
            RunStoppedAt(MaintenancePhase.WaitingForHost);
            _ = Task.Delay(500).ContinueWith(_ => cluster["a"].ComeBack(), TaskScheduler.Default);

            // a cannot be connected yet: the new session has b and c only.
            var (summary, resumed) = Resume("b", "c");

            Assert.Equal(3, summary.Succeeded);
            Assert.NotNull(cluster.Registry.Find("a"));
            Assert.Equal(HostMaintenanceStatus.Succeeded, resumed.ResultOf("a").Status);
            AssertEveryVMHomeAndNothingMovedTwice();
        }

        [Fact]
        public void A_stop_during_the_drain_settles_the_moves_and_resume_moves_the_rest()
        {
            var observer = new RecordingMaintenanceObserver();
            cluster["a"].OnStep = step => { if (step == "Migrate") { Interlocked.Increment(ref migrations); stop.Cancel(); } };
            cluster["a"].SampleInterval = TimeSpan.FromMilliseconds(20);
            cluster["a"].Samples.AddRange(Enumerable.Range(0, 20).Select(i => new VmMigration.Providers.JobProgress { Kind = VmMigration.Providers.JobKind.Unbounded, DataProcessed = i * 1000, DataRemaining = 20000 - i * 1000 }));

            var first = cluster.Run(cluster.Options("a", "b", "c"), observer, stop.Token);

            Assert.Equal("host 'a', phase Draining", first.StoppedAt);
            Assert.True(cluster.InMaintenance("a"));
            Assert.True(observer.ResultOf("a").InMaintenance);
            foreach (var vm in new[] { "a1", "a2", "b1" })
            {
                Assert.Single(cluster.RunningOn(vm));
            }
            cluster["a"].OnStep = step => { if (step == "Migrate") Interlocked.Increment(ref migrations); };
            cluster["a"].Samples.Clear();

            var (summary, _) = Resume();

            Assert.Equal(3, summary.Succeeded);
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a2"));
            Assert.Empty(cluster.Maintenance.List());
        }

        [Fact]
        public void An_unfinished_run_is_not_started_again_without_Resume()
        {
            RunStoppedAt(MaintenancePhase.Script);

            var error = Assert.Throws<MigrationException>(() => cluster.Run(cluster.Options("a", "b", "c"), new RecordingMaintenanceObserver()));

            Assert.Equal(ErrorIds.RollingMaintenanceInProgress, error.ErrorId);
            Assert.Contains("stopped at host 'a', phase Script", error.Message);
            Assert.Contains("-Resume", error.Message);
        }

        [Fact]
        public void Resume_with_other_hosts_than_the_journal_or_without_a_journal_is_InvalidStateFile()
        {
            var options = cluster.Options("a", "b");
            options.Resume = true;
            var none = Assert.Throws<MigrationException>(() => cluster.Run(options, new RecordingMaintenanceObserver()));
            Assert.Equal(ErrorIds.InvalidStateFile, none.ErrorId);
            Assert.Contains("nothing to resume", none.Message);

            RunStoppedAt(MaintenancePhase.Script);
            var other = Assert.Throws<MigrationException>(() => cluster.Run(options, new RecordingMaintenanceObserver()));

            Assert.Equal(ErrorIds.InvalidStateFile, other.ErrorId);
            Assert.Contains("is of a run over a, b, c", other.Message);
        }

        [Fact]
        public void A_new_run_after_an_ended_one_starts_a_fresh_journal_and_keeps_the_old_one_aside()
        {
            cluster.Run(cluster.Options("a", "b", "c"), new RecordingMaintenanceObserver());

            var again = cluster.Run(cluster.Options("a", "b", "c"), new RecordingMaintenanceObserver());

            Assert.Equal(3, again.Succeeded);
            Assert.Single(System.IO.Directory.GetFiles(System.IO.Path.GetDirectoryName(cluster.JournalPath)!, "run.json.*.done"));
        }
    }
}
