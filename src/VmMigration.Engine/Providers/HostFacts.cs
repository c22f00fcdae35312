namespace VmMigration.Providers
{
    /// <summary>What a host says about itself.</summary>
    public sealed class HostFacts
    {
        public string Hostname { get; set; } = "";
        public string HostUuid { get; set; } = "";
        public int CpuCount { get; set; }
        public long MemoryMB { get; set; }
        public long FreeMemoryMB { get; set; }
        public string CpuModel { get; set; } = "";
        public string HypervisorType { get; set; } = "";
        public string HypervisorVersion { get; set; } = "";
        public string LibvirtVersion { get; set; } = "";
    }
}
