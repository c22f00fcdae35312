using System;
using System.IO;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>Before anything moves: every host that could not be drained in its turn, all at once, and the run refused.</summary>
    public sealed class RollingMaintenancePreflightTests : IDisposable
    {
        private readonly RollingCluster cluster = new RollingCluster("a", "b", "c");
        private readonly RecordingMaintenanceObserver observer = new RecordingMaintenanceObserver();
        private readonly ClusterRules rules = new ClusterRules
        {
            Rules = { new PlacementRule { Name = "db-stays", Kind = PlacementRuleKind.MustRunOn, VMs = { "db1" }, Hosts = { "b" } } },
        };

        public RollingMaintenancePreflightTests()
        {
            // a's big VM fits on no other host, even emptied (each has 16 GB and holds 6); b's db1 may run on b only; c can be drained.
            cluster["a"].AddGuest("big", memoryMB: 17000);
            cluster["b"].AddGuest("db1");
            cluster["b"].AddGuest("fill-b", memoryMB: 6000);
            cluster["c"].AddGuest("fill-c", memoryMB: 6000);
        }

        public void Dispose() => cluster.Dispose();

        private RollingMaintenanceOptions Options()
        {
            var options = cluster.Options("a", "b", "c");
            options.Rules = rules;
            return options;
        }

        [Fact]
        public void Every_blocker_of_every_host_is_listed_in_one_error_and_nothing_moves_or_is_marked()
        {
            var error = Assert.Throws<MaintenanceInfeasibleException>(() => cluster.Run(Options(), observer));

            Assert.Equal(ErrorIds.RollingMaintenanceInfeasible, error.ErrorId);
            Assert.Equal(new[] { ("a", "big"), ("b", "db1") }, error.Blockers.Select(b => (b.HostName, b.VMName)).OrderBy(b => b.HostName));
            Assert.Contains("a: VM 'big': VmTooLarge", error.Message);
            Assert.Contains("b: VM 'db1': NoEvacuationTarget", error.Message);
            Assert.Contains("db-stays", error.Message);
            Assert.Contains("-SkipHost a, b", error.Message);
            Assert.Empty(observer.Results);
            Assert.Empty(cluster.Scripts.Calls);
            Assert.Empty(cluster.Maintenance.List());
            Assert.False(File.Exists(cluster.JournalPath));
            Assert.Equal(new[] { "a" }, cluster.RunningOn("big"));
        }

        [Fact]
        public void The_preflight_alone_changes_nothing_and_says_what_each_turn_would_do()
        {
            var options = Options();
            options.SkipHosts.AddRange(new[] { "a", "b" });

            var preview = cluster.Engine(options).Preflight(default);

            var turn = Assert.Single(preview.Turns);
            Assert.Equal("c", turn.HostName);
            Assert.Single(turn.Moves);
            Assert.Contains("live-migrate its 1 running VMs away", turn.Action);
            Assert.Contains("move its VMs back", turn.Action);
            Assert.Equal(new[] { "a", "b" }, preview.Skipped);
            Assert.Empty(cluster.Maintenance.List());
            Assert.False(File.Exists(cluster.JournalPath));
        }

        [Fact]
        public void Skipping_the_blocked_hosts_lets_the_run_do_the_others()
        {
            var options = Options();
            options.SkipHosts.AddRange(new[] { "a", "b" });

            var summary = cluster.Run(options, observer);

            Assert.Equal(HostMaintenanceStatus.Succeeded, observer.ResultOf("c").Status);
            Assert.Equal(2, summary.Skipped);
            Assert.Equal(new[] { "a" }, cluster.RunningOn("big"));
        }

        [Fact]
        public void A_host_that_is_not_connected_is_HostNotFound_before_anything_changes()
        {
            var error = Assert.Throws<MigrationException>(() => cluster.Run(cluster.Options("a", "nowhere"), observer));

            Assert.Equal(ErrorIds.HostNotFound, error.ErrorId);
            Assert.False(File.Exists(cluster.JournalPath));
        }
    }
}
