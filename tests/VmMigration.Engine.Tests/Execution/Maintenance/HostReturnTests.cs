using System;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Maintenance;
using Xunit;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>After its script a host may reboot: it is waited for, reconnected, and checked.</summary>
    public sealed class HostReturnTests : IDisposable
    {
        private readonly RollingCluster cluster = new RollingCluster("a", "b");
        private readonly RecordingMaintenanceObserver observer = new RecordingMaintenanceObserver();

        public HostReturnTests()
        {
            cluster["a"].AddGuest("a1");
        }

        public void Dispose() => cluster.Dispose();

        [Fact]
        public void A_host_rebooted_by_its_script_is_reconnected_with_a_new_connection_checked_and_gets_its_VMs_back()
        {
            var connectionsBefore = cluster["a"].Connections;
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                cluster[host.Name].Reboot(TimeSpan.FromMilliseconds(300));
                return MaintenanceScriptOutcome.Succeeded("rebooting");
            };

            cluster.Run(cluster.Options("a"), observer);

            var result = observer.ResultOf("a");
            Assert.Equal(HostMaintenanceStatus.Succeeded, result.Status);
            Assert.Equal(1, result.VMsFailedBack);
            Assert.True(cluster["a"].Connections > connectionsBefore, "the connection the reboot closed is opened anew");
            Assert.Equal(new[] { "a" }, cluster.RunningOn("a1"));
        }

        [Fact]
        public void A_host_that_does_not_come_back_in_time_fails_with_its_reason_and_stays_in_maintenance()
        {
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                cluster[host.Name].GoDown();
                return MaintenanceScriptOutcome.Succeeded();
            };
            var options = cluster.Options("a", "b");
            options.HostReturnTimeout = TimeSpan.FromSeconds(1);

            cluster.Run(options, observer);

            var result = observer.ResultOf("a");
            Assert.Equal(HostMaintenanceStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.HostDidNotReturn, result.ErrorId);
            Assert.Equal(MaintenancePhase.WaitingForHost, result.Phase);
            Assert.Contains("did not answer within 1 s", result.Message);
            Assert.Contains("Connection refused", result.Message);   // the last attempt: a new connection, refused
            Assert.True(result.InMaintenance);
            Assert.Equal(new[] { "b" }, cluster.RunningOn("a1"));
            Assert.Equal(ErrorIds.MaxFailedHostsReached, observer.ResultOf("b").ErrorId);
        }

        [Fact]
        public void A_host_back_with_less_memory_fails_the_default_health_check()
        {
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                cluster[host.Name].MemoryMB = 8192;   // a memory module lost in the reboot
                return MaintenanceScriptOutcome.Succeeded();
            };

            cluster.Run(cluster.Options("a"), observer);

            var result = observer.ResultOf("a");
            Assert.Equal(ErrorIds.HostHealthCheckFailed, result.ErrorId);
            Assert.Equal(MaintenancePhase.HealthCheck, result.Phase);
            Assert.Contains("it has 8192 MB of memory, it had 16384 MB", result.Message);
            Assert.True(result.InMaintenance);
            Assert.Equal(new[] { "b" }, cluster.RunningOn("a1"));
        }

        [Fact]
        public void A_host_whose_versions_cannot_be_read_fails_the_default_health_check()
        {
            cluster.Scripts[MaintenanceScript.Script] = host =>
            {
                cluster[host.Name].HypervisorVersion = "";
                return MaintenanceScriptOutcome.Succeeded();
            };

            cluster.Run(cluster.Options("a"), observer);

            Assert.Contains("its QEMU version cannot be read", observer.ResultOf("a").Message);
        }

        [Fact]
        public void The_users_health_check_may_fail_a_host_that_passed_the_default_one()
        {
            cluster.Scripts[MaintenanceScript.HealthCheck] = host => FakeScripts.Failed("it returned $false");

            cluster.Run(cluster.Options("a"), observer);

            var result = observer.ResultOf("a");
            Assert.Equal(ErrorIds.HostHealthCheckFailed, result.ErrorId);
            Assert.Contains("its health check failed: it returned $false", result.Message);
            Assert.Equal(1, cluster.Scripts.CountOf(MaintenanceScript.HealthCheck, "a"));
        }
    }
}
