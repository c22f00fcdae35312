namespace VmMigration
{
    /// <summary>A virtual machine on a connected host.</summary>
    public sealed class MigrationVM
    {
        public string Name { get; set; } = "";
        public string Uuid { get; set; } = "";
        public string HostName { get; set; } = "";
        public VMState State { get; set; }
        public long MemoryMB { get; set; }
        public int VCpuCount { get; set; }
        /// <summary>Memory the guest dirties per second; empty until sampled.</summary>
        public double? DirtyRateMBps { get; set; }
        public bool Persistent { get; set; }
        /// <summary>CPU time used since the VM started, in nanoseconds.</summary>
        public long CpuTimeNs { get; set; }
        public bool IsLinkedClone { get; set; }
        public string? ParentName { get; set; }

        public override string ToString() => Name;
    }

    public enum VMState
    {
        Unknown,
        Running,
        Blocked,
        Paused,
        ShuttingDown,
        ShutOff,
        Crashed,
        Suspended,
    }
}
