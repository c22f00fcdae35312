namespace VmMigration
{
    /// <summary>A hypervisor host as the session sees it: identity, capacity, usage and maintenance state.</summary>
    public sealed class MigrationHost
    {
        public string Name { get; set; } = "";
        public string Uri { get; set; } = "";
        public string Provider { get; set; } = "Libvirt";
        public HostState State { get; set; }
        public int CpuCount { get; set; }
        public long MemoryMB { get; set; }
        public long FreeMemoryMB { get; set; }
        public int VMCount { get; set; }
        public string? HostUuid { get; set; }
        /// <summary>The name the machine gives itself (may differ from the session's Name for it).</summary>
        public string? NodeName { get; set; }
        public string? CpuModel { get; set; }
        public string? HypervisorVersion { get; set; }
        public string? LibvirtVersion { get; set; }
        /// <summary>Address the destination listens on for migration streams (e.g. tcp://127.0.0.1 in a lab); empty lets libvirt choose.</summary>
        public string? MigrationAddress { get; set; }
        /// <summary>The host's addresses for migration streams given at connect (-MigrationAddress); -MigrationNetwork picks among them.</summary>
        public string[] MigrationAddresses { get; set; } = System.Array.Empty<string>();
        /// <summary>Why the host is unreachable, or since when and by whom it is in maintenance.</summary>
        public string? Message { get; set; }
        /// <summary>The run that holds the host now, as the host keeps it (whichever machine it runs on); empty when none.</summary>
        public string? HeldBy { get; set; }

        public override string ToString() => Name;
    }

    public enum HostState
    {
        Connected,
        Maintenance,
        Unreachable,
    }
}
