using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Invoke-RollingMaintenance as a runbook uses it: binding, -WhatIf, output types, the scripts, errors with ids, -AsJob.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class InvokeRollingMaintenanceTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-rolling-cmd-" + Guid.NewGuid().ToString("N"));

        public InvokeRollingMaintenanceTests()
        {
            session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");
            Directory.CreateDirectory(directory);
        }

        private string Journal => Path.Combine(directory, "run.json");

        public void Dispose()
        {
            session.Dispose();
            Directory.Delete(directory, true);
        }

        /// <summary>The command over both hosts with this script (and more parameters), never prompting, with the test's journal.</summary>
        private ScriptRun Run(string script, string more = "") =>
            session.Run($"Invoke-RollingMaintenance -HostName host1, host2 -ScriptBlock {{ {script} }} -JournalPath '{Journal}' -Force {more}");

        [Fact]
        public void Writes_a_result_per_host_as_it_finishes_then_a_summary_and_the_script_sees_the_callers_variables()
        {
            var run = session.Run($"$patch = 'kernel 6.12'; Invoke-RollingMaintenance -HostName host1, host2 -ScriptBlock {{ param($MigrationHost) \"$patch on $($MigrationHost.Name)\" }} -JournalPath '{Journal}' -Force");

            Assert.True(run.Errors.Count == 0, string.Join("; ", run.Errors.Select(e => e.ToString())));
            var results = run.Objects<HostMaintenanceResult>();
            Assert.Equal(new[] { "host1", "host2" }, results.Select(r => r.HostName));
            Assert.All(results, r => Assert.Equal(HostMaintenanceStatus.Succeeded, r.Status));
            Assert.Equal("kernel 6.12 on host1", Assert.Single(results[0].ScriptOutput).ToString());
            Assert.Equal(2, results[0].VMsMoved);
            Assert.IsType<RollingMaintenanceSummary>(run.Output.Last().BaseObject);
            Assert.Equal(2, run.Objects<RollingMaintenanceSummary>().Single().Succeeded);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            // Progress: the run, the host in hand and its phase, the moves in flight.
            Assert.Contains(run.Progress, p => p.ActivityId == RollingMaintenanceReporter.RunActivityId && p.StatusDescription.Contains("now host2"));
            Assert.Contains(run.Progress, p => p.ActivityId == RollingMaintenanceReporter.HostActivityId && p.CurrentOperation == nameof(MaintenancePhase.WaitingForHost));
            Assert.Contains(run.Progress, p => p.ParentActivityId == RollingMaintenanceReporter.HostActivityId && p.Activity.Contains("web1"));
        }

        [Fact]
        public void Hosts_bind_from_the_pipeline_and_SkipHost_leaves_one_out()
        {
            var run = session.Run($"Get-MigrationHost | Invoke-RollingMaintenance -ScriptBlock {{ 'ok' }} -SkipHost host2 -JournalPath '{Journal}' -Force");

            Assert.Empty(run.Errors);
            var results = run.Objects<HostMaintenanceResult>();
            Assert.Equal(HostMaintenanceStatus.Skipped, results.Single(r => r.HostName == "host2").Status);
            Assert.Equal(HostMaintenanceStatus.Succeeded, results.Single(r => r.HostName == "host1").Status);
        }

        [Fact]
        public void WhatIf_moves_nothing_runs_no_script_and_writes_no_journal()
        {
            var run = session.Run($"$ran = $false; Invoke-RollingMaintenance -HostName host1, host2 -ScriptBlock {{ $script:ran = $true }} -JournalPath '{Journal}' -WhatIf; $ran");

            Assert.Empty(run.Errors);
            Assert.Empty(run.Objects<HostMaintenanceResult>());
            Assert.Empty(run.Objects<RollingMaintenanceSummary>());
            Assert.False((bool)run.Output.Single().BaseObject);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            Assert.False(File.Exists(Journal));
            Assert.Equal("Connected", session.Run("(Get-MigrationHost -Name host1).State").Output.Single().ToString());
        }

        [Fact]
        public void A_run_the_cluster_cannot_absorb_is_refused_with_every_blocker_as_the_errors_target()
        {
            session.Cluster[FakeSession.UriOf("host1")].AddGuest("huge", memoryMB: 20000);

            var error = session.Shell.ErrorThatStops($"Invoke-RollingMaintenance -HostName host1, host2 -ScriptBlock {{ }} -JournalPath '{Journal}' -Force");

            Assert.Equal("RollingMaintenanceInfeasible,VmMigration.Commands.InvokeRollingMaintenanceCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
            var blockers = Assert.IsType<MaintenanceBlocker[]>(error.TargetObject);
            Assert.Equal(("host1", "huge", ErrorIds.VmTooLarge), (blockers[0].HostName, blockers[0].VMName, blockers[0].Code));
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            Assert.False(File.Exists(Journal));
        }

        [Fact]
        public void An_unknown_host_is_a_terminating_HostNotFound()
        {
            var error = session.Shell.ErrorThatStops($"Invoke-RollingMaintenance -HostName host1, nowhere -ScriptBlock {{ }} -JournalPath '{Journal}' -Force");

            Assert.Equal("HostNotFound,VmMigration.Commands.InvokeRollingMaintenanceCommand", error.FullyQualifiedErrorId);
        }

        [Fact]
        public void A_script_that_throws_fails_its_host_with_MaintenanceScriptFailed_keeping_what_it_wrote()
        {
            var run = Run("param($MigrationHost) 'before'; Write-Error 'disk is full'; throw 'boom'");

            var error = Assert.Single(run.Errors);
            Assert.Equal("MaintenanceScriptFailed,VmMigration.Commands.InvokeRollingMaintenanceCommand", error.FullyQualifiedErrorId);
            Assert.Equal("host1", error.TargetObject);
            var failed = run.Objects<HostMaintenanceResult>().Single(r => r.HostName == "host1");
            Assert.Equal(HostMaintenanceStatus.Failed, failed.Status);
            Assert.True(failed.InMaintenance);
            Assert.Equal("before", Assert.Single(failed.ScriptOutput).ToString());
            Assert.Equal(new[] { "Script: disk is full", "Script: boom" }, failed.ScriptErrors);
            Assert.Contains("boom", failed.Message);
            Assert.Equal(HostMaintenanceStatus.NotStarted, run.Objects<HostMaintenanceResult>().Single(r => r.HostName == "host2").Status);
            Assert.Equal("Maintenance", session.Run("(Get-MigrationHost -Name host1).State").Output.Single().ToString());
        }

        [Fact]
        public void A_script_that_exits_non_zero_fails_its_host_and_one_that_exits_zero_does_not()
        {
            var run = Run("param($MigrationHost) if ($MigrationHost.Name -eq 'host2') { exit 3 }; exit 0", "-MaxFailedHosts 1");

            var results = run.Objects<HostMaintenanceResult>();
            Assert.Equal(HostMaintenanceStatus.Succeeded, results.Single(r => r.HostName == "host1").Status);
            var failed = results.Single(r => r.HostName == "host2");
            Assert.Equal(ErrorIds.MaintenanceScriptFailed, failed.ErrorId);
            Assert.Contains("it exited with code 3", failed.Message);
        }

        [Fact]
        public void A_health_check_that_outputs_false_fails_its_host_with_HostHealthCheckFailed()
        {
            var run = Run("'patched'", "-HealthCheck { param($MigrationHost) $MigrationHost.Name -ne 'host1' }");

            Assert.Equal("HostHealthCheckFailed,VmMigration.Commands.InvokeRollingMaintenanceCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Contains("it returned $false", run.Objects<HostMaintenanceResult>().Single(r => r.HostName == "host1").Message);
        }

        [Fact]
        public void An_unfinished_run_is_refused_with_RollingMaintenanceInProgress_until_Resume()
        {
            File.WriteAllText(Journal, "{ \"StartedAt\": \"2026-01-01T00:00:00Z\", \"Hosts\": [ { \"HostName\": \"host1\", \"State\": \"InProgress\", \"Phase\": \"Script\" }, { \"HostName\": \"host2\" } ] }");

            var error = session.Shell.ErrorThatStops($"Invoke-RollingMaintenance -HostName host1, host2 -ScriptBlock {{ }} -JournalPath '{Journal}' -Force");

            Assert.Equal("RollingMaintenanceInProgress,VmMigration.Commands.InvokeRollingMaintenanceCommand", error.FullyQualifiedErrorId);
            Assert.Contains("host 'host1', phase Script", error.Exception.Message);
        }

        [Fact]
        public void AsJob_runs_the_scripts_in_a_runspace_of_its_own_and_Receive_Job_gives_the_results_and_errors_with_full_ids()
        {
            Environment.SetEnvironmentVariable("TF_BUILD", "True");
            try
            {
                var started = Run("param($MigrationHost) if ($MigrationHost.Name -eq 'host2') { throw 'firmware refused' }; (Get-MigrationHost -Name $MigrationHost.Name).Name", "-MaxFailedHosts 1 -AsJob");
                Assert.IsAssignableFrom<Job>(Assert.Single(started.Output).BaseObject);

                var received = session.Run("Get-Job | Wait-Job -Timeout 120 | Receive-Job -InformationVariable lines; $lines | ForEach-Object { \"$_\" }");

                var results = received.Objects<HostMaintenanceResult>();
                Assert.Equal("host1", Assert.Single(results.Single(r => r.HostName == "host1").ScriptOutput).ToString());
                Assert.Equal(HostMaintenanceStatus.Failed, results.Single(r => r.HostName == "host2").Status);
                Assert.Single(received.Objects<RollingMaintenanceSummary>());
                Assert.Equal("MaintenanceScriptFailed,VmMigration.Commands.InvokeRollingMaintenanceCommand", Assert.Single(received.Errors).FullyQualifiedErrorId);
                var lines = received.Objects<string>();
                Assert.Contains(lines, l => l.StartsWith("##vso[task.logissue type=error]host2: Failed in Script (MaintenanceScriptFailed)", StringComparison.Ordinal));
                Assert.Contains(lines, l => l.StartsWith("##vso[task.setprogress value=", StringComparison.Ordinal));
                Assert.Equal("Failed", session.Run("(Get-Job).State").Output.Single().ToString());
            }
            finally
            {
                Environment.SetEnvironmentVariable("TF_BUILD", null);
            }
        }
    }
}
