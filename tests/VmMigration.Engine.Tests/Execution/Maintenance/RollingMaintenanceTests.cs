using System;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>A rolling maintenance host by host: drain, script, wait, check, failback; failures and MaxFailedHosts.</summary>
    public sealed class RollingMaintenanceTests : IDisposable
    {
        private readonly RollingCluster cluster = new RollingCluster("a", "b", "c");
        private readonly RecordingMaintenanceObserver observer = new RecordingMaintenanceObserver();

        public RollingMaintenanceTests()
        {
            cluster["a"].AddGuest("a1");
            cluster["a"].AddGuest("a2");
            cluster["b"].AddGuest("b1");
            cluster["c"].AddGuest("c1");
        }

        public void Dispose() => cluster.Dispose();

        [Fact]
        public void Every_host_in_the_given_order_is_drained_scripted_on_no_running_VM_checked_and_gets_its_VMs_back()
        {
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                // The witness: what the host itself runs when its script starts.
                Assert.DoesNotContain(cluster[host.Name].AllGuests, g => g.Active);
                Assert.True(cluster.InMaintenance(host.Name));
                return MaintenanceScriptOutcome.Succeeded($"patched {host.Name}");
            };

            var summary = cluster.Run(cluster.Options("a", "b", "c"), observer);

            Assert.Equal(new[] { "a", "b", "c" }, observer.Results.Select(r => r.HostName));
            Assert.All(observer.Results, r =>
            {
                Assert.Equal(HostMaintenanceStatus.Succeeded, r.Status);
                Assert.Equal(MaintenancePhase.Completed, r.Phase);
                Assert.False(r.InMaintenance);
                Assert.Equal(new object[] { $"patched {r.HostName}" }, r.ScriptOutput);
                Assert.Equal(r.VMsMoved, r.VMsFailedBack);
            });
            Assert.Equal(2, observer.ResultOf("a").VMsMoved);
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
            Assert.Equal(new[] { "b" }, cluster.RunningOn("b1"));
            Assert.Empty(cluster.Maintenance.List());
            Assert.Equal(new[] { MaintenancePhase.Draining, MaintenancePhase.Script, MaintenancePhase.WaitingForHost, MaintenancePhase.HealthCheck, MaintenancePhase.Failback },
                observer.Phases.Where(p => p.Host == "b").Select(p => p.Phase));
            Assert.Equal(3, summary.Succeeded);
            Assert.Equal(new[] { "a", "b", "c" }, summary.Order);
            // Drained and failed back: the same as evacuate-then-failback, nothing saved.
            Assert.Equal(8, summary.Moves);
            Assert.Equal(8, summary.BaselineMoves);
            Assert.Equal(0, summary.MovesSaved);
            Assert.Equal(4 * 2 * 256L << 20, summary.BaselineBytes);
            Assert.Null(summary.StoppedAt);
        }

        [Fact]
        public void A_failed_script_fails_its_host_which_stays_in_maintenance_and_with_MaxFailedHosts_0_no_other_host_starts()
        {
            cluster.Scripts[MaintenanceScript.Script] = host => host.Name == "b"
                ? FakeScripts.Failed("it exited with code 3", "apt: lock held")
                : MaintenanceScriptOutcome.Succeeded("ok");

            var summary = cluster.Run(cluster.Options("a", "b", "c"), observer);

            Assert.Equal(HostMaintenanceStatus.Succeeded, observer.ResultOf("a").Status);
            var failed = observer.ResultOf("b");
            Assert.Equal(HostMaintenanceStatus.Failed, failed.Status);
            Assert.Equal(ErrorIds.MaintenanceScriptFailed, failed.ErrorId);
            Assert.Equal(MaintenancePhase.Script, failed.Phase);
            Assert.Contains("it exited with code 3", failed.Message);
            Assert.Equal(new[] { "Script: apt: lock held" }, failed.ScriptErrors);
            Assert.True(failed.InMaintenance);
            Assert.True(cluster.InMaintenance("b"));
            Assert.NotEqual(new[] { "b" }, cluster.RunningOn("b1"));   // where the drain moved it, not back
            var notStarted = observer.ResultOf("c");
            Assert.Equal(HostMaintenanceStatus.NotStarted, notStarted.Status);
            Assert.Equal(ErrorIds.MaxFailedHostsReached, notStarted.ErrorId);
            Assert.Contains("-MaxFailedHosts 0", notStarted.Message);
            Assert.Equal(0, cluster.Scripts.CountOf(MaintenanceScript.Script, "c"));
            Assert.Equal(new[] { "c" }, cluster.RunningOn("c1"));
            Assert.Equal((1, 1, 1), (summary.Succeeded, summary.Failed, summary.NotStarted));
        }

        [Fact]
        public void With_MaxFailedHosts_1_the_run_goes_on_after_one_failed_host()
        {
            cluster.Scripts[MaintenanceScript.Script] = host => host.Name == "a" ? FakeScripts.Failed("firmware refused") : MaintenanceScriptOutcome.Succeeded();
            var options = cluster.Options("a", "b", "c");
            options.MaxFailedHosts = 1;

            var summary = cluster.Run(options, observer);

            Assert.Equal(HostMaintenanceStatus.Failed, observer.ResultOf("a").Status);
            Assert.Equal(HostMaintenanceStatus.Succeeded, observer.ResultOf("b").Status);
            Assert.Equal(HostMaintenanceStatus.Succeeded, observer.ResultOf("c").Status);
            Assert.Equal((2, 1), (summary.Succeeded, summary.Failed));
            Assert.Equal(new[] { "a" }, cluster.Maintenance.List().Select(m => m.HostName));
        }

        [Fact]
        public void The_script_never_runs_on_a_host_where_a_VM_runs_just_before_it()
        {
            // Someone starts a VM on b after its drain, just before its script.
            observer.OnPhase = (host, phase) => { if (host == "b" && phase == MaintenancePhase.Script) cluster["b"].AddGuest("late"); };

            cluster.Run(cluster.Options("a", "b", "c"), observer);

            var refused = observer.ResultOf("b");
            Assert.Equal(ErrorIds.HostStillHasRunningVMs, refused.ErrorId);
            Assert.Equal(MaintenancePhase.Script, refused.Phase);
            Assert.Contains("'late'", refused.Message);
            Assert.True(refused.InMaintenance);
            Assert.Equal(0, cluster.Scripts.CountOf(MaintenanceScript.Script, "b"));
            Assert.Equal(new[] { "b" }, cluster.RunningOn("late"));
        }

        [Fact]
        public void A_failed_pre_script_fails_the_host_before_anything_moves_and_leaves_it_out_of_maintenance()
        {
            cluster.Scripts[MaintenanceScript.PreScript] = host => host.Name == "a" ? FakeScripts.Failed("monitoring did not answer") : MaintenanceScriptOutcome.Succeeded();

            cluster.Run(cluster.Options("a", "b"), observer);

            var failed = observer.ResultOf("a");
            Assert.Equal(ErrorIds.MaintenanceScriptFailed, failed.ErrorId);
            Assert.Equal(MaintenancePhase.PreScript, failed.Phase);
            Assert.False(failed.InMaintenance);
            Assert.Equal(0, failed.VMsMoved);
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
            Assert.Equal(ErrorIds.MaxFailedHostsReached, observer.ResultOf("b").ErrorId);
        }

        [Fact]
        public void A_VM_that_cannot_come_back_fails_the_failback_but_the_host_is_in_service_and_the_VM_runs_where_it_was_moved()
        {
            // When a's failback starts, every move out of b dies.
            observer.OnPhase = (host, phase) =>
            {
                if (host == "a" && phase == MaintenancePhase.Failback)
                {
                    cluster["b"].Outcome = FakeOutcome.DestinationDies;
                    cluster["c"].Outcome = FakeOutcome.DestinationDies;
                }
            };

            cluster.Run(cluster.Options("a"), observer);

            var result = observer.ResultOf("a");
            Assert.Equal(HostMaintenanceStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.FailbackFailed, result.ErrorId);
            Assert.Equal(MaintenancePhase.Failback, result.Phase);
            Assert.False(result.InMaintenance);
            Assert.Contains("in service again", result.Message);
            Assert.Equal(2, result.Moves.Count(m => m.Status == MigrationStatus.Failed));
            Assert.Single(cluster.RunningOn("a1"));
            Assert.NotEqual("a", cluster.RunningOn("a1")[0]);
        }

        [Fact]
        public void The_post_script_runs_after_the_host_left_maintenance_and_its_VMs_came_back()
        {
            cluster.Scripts[MaintenanceScript.PostScript] = host =>
            {
                Assert.False(cluster.InMaintenance(host.Name));
                Assert.Contains(cluster[host.Name].AllGuests, g => g.Name == "a1" && g.Active);
                return MaintenanceScriptOutcome.Succeeded("monitoring on");
            };

            cluster.Run(cluster.Options("a"), observer);

            var result = observer.ResultOf("a");
            Assert.Equal(HostMaintenanceStatus.Succeeded, result.Status);
            Assert.Equal(new object[] { "patched a", "monitoring on" }, result.ScriptOutput);
        }

        [Fact]
        public void No_host_starts_after_the_deadline()
        {
            var options = cluster.Options("a", "b");
            options.Deadline = DateTime.UtcNow.AddSeconds(-1);

            var summary = cluster.Run(options, observer);

            Assert.All(observer.Results, r =>
            {
                Assert.Equal(HostMaintenanceStatus.NotStarted, r.Status);
                Assert.Equal(ErrorIds.DeadlineWouldBeMissed, r.ErrorId);
            });
            Assert.Equal(2, summary.NotStarted);
            Assert.Empty(cluster.Scripts.Calls);
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
        }

        [Fact]
        public void A_host_left_out_with_SkipHost_is_reported_Skipped_and_untouched()
        {
            var options = cluster.Options("a", "b", "c");
            options.SkipHosts.Add("b");

            var summary = cluster.Run(options, observer);

            Assert.Equal(HostMaintenanceStatus.Skipped, observer.ResultOf("b").Status);
            Assert.Contains("-SkipHost", observer.ResultOf("b").Message);
            Assert.Equal(0, cluster.Scripts.CountOf(MaintenanceScript.Script, "b"));
            Assert.Equal((2, 1), (summary.Succeeded, summary.Skipped));
            Assert.Equal(new[] { "a", "c" }, summary.Order);
        }
    }
}
