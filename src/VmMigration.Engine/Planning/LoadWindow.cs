using System;

namespace VmMigration.Planning
{
    /// <summary>One measured window of a VM's or a host's CPU use.</summary>
    public sealed class LoadWindow
    {
        /// <summary>When the window ended (UTC).</summary>
        public DateTime End { get; set; }
        public double Seconds { get; set; }
        /// <summary>A VM: percent of its vCPUs. A host: percent of its CPUs, all its VMs together.</summary>
        public double CpuPercent { get; set; }
    }
}
