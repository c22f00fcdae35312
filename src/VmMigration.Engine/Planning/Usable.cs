using System;

namespace VmMigration.Planning
{
    /// <summary>
    /// The capacity arithmetic every part of the planner and the staleness check share: what a VM demands and what a host
    /// may give after its reserve. Memory is whole megabytes (rounded down) so capacity checks are exact.
    /// </summary>
    public static class Usable
    {
        /// <summary>Cores the VM keeps busy: vCPUs times its sampled (or assumed) use; none while it is stopped.</summary>
        public static double CpuDemand(InventoryVM vm, double assumedCpuUsagePercent) =>
            vm.Stopped ? 0 : vm.VCpuCount * (vm.CpuUsagePercent ?? assumedCpuUsagePercent) / 100.0;

        /// <param name="keepFraction">1 - reserve percent / 100.</param>
        public static double Cpu(int cpuCount, double keepFraction) => cpuCount * keepFraction;

        public static long Memory(long memoryMB, double keepFraction) => (long)Math.Floor(memoryMB * keepFraction);

        /// <summary>Tolerance for summed CPU demands, which are doubles added in different orders by different callers.</summary>
        public const double CpuTolerance = 1e-9;
    }
}
