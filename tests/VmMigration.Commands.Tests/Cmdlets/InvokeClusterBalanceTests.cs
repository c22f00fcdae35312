using System;
using VmMigration.Execution.Balance;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Invoke-ClusterBalance as a scheduled task sees it: quiet when there is nothing to do, one result per move, a summary always.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class InvokeClusterBalanceTests : IDisposable
    {
        private const string Eager = "-Threshold 0.001 -TargetScore 0 -MinImprovement 0 -SampleSec 1";
        private readonly FakeSession session = new FakeSession();

        public InvokeClusterBalanceTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");

        public void Dispose() => session.Dispose();

        [Fact]
        public void A_run_with_nothing_to_do_writes_only_its_summary()
        {
            var run = session.Run("Invoke-ClusterBalance -SampleSec 1");

            Assert.Empty(run.Errors);
            Assert.Empty(run.Warnings);
            Assert.Empty(run.Objects<MigrationResult>());
            var summary = Assert.Single(run.Objects<ClusterBalanceSummary>());
            Assert.True(summary.WithinThreshold);
            Assert.StartsWith("Balanced within threshold", summary.Message);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
        }

        [Fact]
        public void A_run_moves_writes_a_result_per_move_then_the_summary_and_records_the_move_with_the_vm()
        {
            var run = session.Run($"Invoke-ClusterBalance {Eager}");

            Assert.Empty(run.Errors);
            var moved = Assert.Single(run.Objects<MigrationResult>());
            Assert.Equal(MigrationStatus.Succeeded, moved.Status);
            var summary = Assert.Single(run.Objects<ClusterBalanceSummary>());
            Assert.Equal(1, summary.Moved);
            var record = session.Cluster[FakeSession.UriOf("host2")].BalanceRecords[moved.VMName];
            Assert.Equal("host1", record.Source);
            Assert.Equal("host2", record.Destination);

            // The next run leaves the moved VM alone, whatever the threshold: it is cooling down.
            var next = session.Run($"Invoke-ClusterBalance {Eager}");
            Assert.DoesNotContain(next.Objects<MigrationResult>(), r => r.VMName == moved.VMName);
            Assert.Equal(1, Assert.Single(next.Objects<ClusterBalanceSummary>()).CoolingDown);
        }

        [Fact]
        public void WhatIf_moves_nothing_and_still_writes_the_summary()
        {
            var run = session.Run($"Invoke-ClusterBalance {Eager} -WhatIf");

            Assert.Empty(run.Errors);
            Assert.Empty(run.Objects<MigrationResult>());
            var summary = Assert.Single(run.Objects<ClusterBalanceSummary>());
            Assert.Equal(1, summary.Planned);
            Assert.Equal(0, summary.Moved);
            Assert.Equal(1, summary.Skipped);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            Assert.Equal(new[] { "host1" }, session.HostsOf("web2"));
        }

        [Fact]
        public void Get_MigrationPlan_Balance_takes_the_same_options_and_pipes_to_Move_VMLive()
        {
            var run = session.Run($"Get-MigrationPlan -Goal Balance {Eager} -CooldownMinutes 30 | Move-VMLive");

            Assert.Empty(run.Errors);
            Assert.Equal(MigrationStatus.Succeeded, Assert.Single(run.Objects<MigrationResult>()).Status);
        }

        [Fact]
        public void Balance_options_with_another_goal_are_refused()
        {
            var run = session.Run("Get-MigrationPlan -Goal Evacuate -HostName host1 -Threshold 0.1");

            var error = Assert.Single(run.Errors);
            Assert.Equal("InvalidArgument,VmMigration.Commands.GetMigrationPlanCommand", error.FullyQualifiedErrorId);
            Assert.Contains("-Threshold applies to -Goal Balance only", error.Exception.Message);
        }
    }
}
