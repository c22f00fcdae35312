using System;
using VmMigration.Session;
using Xunit;

namespace VmMigration.Tests.Session
{
    public class LiveInventoryTests
    {
        private static MigrationVM VM(string name, string host, long cpuTimeNs, int vcpus = 2) =>
            new MigrationVM { Name = name, Uuid = "uuid-" + name, HostName = host, CpuTimeNs = cpuTimeNs, VCpuCount = vcpus };

        [Fact]
        public void Cpu_use_is_the_cpu_time_used_over_the_interval_per_vcpu()
        {
            var before = new[] { VM("busy", "h1", 0), VM("idle", "h1", 5_000_000_000) };
            var after = new[] { VM("busy", "h1", 1_000_000_000), VM("idle", "h1", 5_010_000_000) };

            var usage = LiveInventory.CpuUsage(before, after, TimeSpan.FromSeconds(1));

            Assert.Equal(50, usage["busy"], 3);
            Assert.Equal(0.5, usage["idle"], 3);
        }

        [Fact]
        public void A_vm_that_moved_or_appeared_between_readings_is_left_unsampled()
        {
            var before = new[] { VM("mover", "h1", 0) };
            var after = new[] { VM("mover", "h2", 2_000_000_000), VM("new", "h1", 1) };

            var usage = LiveInventory.CpuUsage(before, after, TimeSpan.FromSeconds(1));

            Assert.Empty(usage);
        }
    }
}
