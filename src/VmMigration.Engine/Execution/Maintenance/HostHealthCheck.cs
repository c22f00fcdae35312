using System.Collections.Generic;
using VmMigration.Providers;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>
    /// The checks every host passes after its script, before its own health check script: it answers (the caller got its
    /// facts), it is the same machine, its capacity is what it was (a host that came back with a CPU or a memory module
    /// fewer takes VMs it cannot hold), and its libvirt and QEMU versions can be read.
    /// </summary>
    internal static class HostHealthCheck
    {
        /// <summary>Memory may shrink by this fraction (a new kernel reserves a little more) before it counts as lost.</summary>
        private const double MemoryTolerance = 0.01;

        public static IReadOnlyList<string> Problems(RollingMaintenanceHostEntry before, HostFacts now)
        {
            var problems = new List<string>();
            if (!string.IsNullOrEmpty(before.HostUuid) && !string.IsNullOrEmpty(now.HostUuid) && !string.Equals(before.HostUuid, now.HostUuid, System.StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"it is another machine (UUID {now.HostUuid}, it was {before.HostUuid})");
            }
            if (now.CpuCount < before.CpuCount)
            {
                problems.Add($"it has {now.CpuCount} CPUs, it had {before.CpuCount}");
            }
            if (now.MemoryMB < before.MemoryMB * (1 - MemoryTolerance))
            {
                problems.Add($"it has {now.MemoryMB} MB of memory, it had {before.MemoryMB} MB");
            }
            if (string.IsNullOrWhiteSpace(now.LibvirtVersion))
            {
                problems.Add("its libvirt version cannot be read");
            }
            if (string.IsNullOrWhiteSpace(now.HypervisorVersion))
            {
                problems.Add("its QEMU version cannot be read");
            }
            return problems;
        }
    }
}
