namespace VmMigration.Providers
{
    /// <summary>A snapshot of a hypervisor job's statistics (libvirt's virDomainGetJobStats fields), in bytes and ms.</summary>
    public sealed class JobProgress
    {
        public JobKind Kind { get; set; }
        /// <summary>What the job does (libvirt's VIR_DOMAIN_JOB_OPERATION): Unknown when the hypervisor does not say.</summary>
        public JobOperation Operation { get; set; }
        public long ElapsedMs { get; set; }
        public long DataTotal { get; set; }
        public long DataProcessed { get; set; }
        public long DataRemaining { get; set; }
        public long MemoryTotal { get; set; }
        public long MemoryProcessed { get; set; }
        public long MemoryRemaining { get; set; }
        /// <summary>Bytes per second the guest dirties, as the hypervisor measures it during pre-copy.</summary>
        public long MemoryDirtyRateBytesPerSec { get; set; }
        /// <summary>Bytes per second transferred.</summary>
        public long MemoryBytesPerSec { get; set; }
        public int MemoryIteration { get; set; }
        public long MemoryPageSize { get; set; }
        public long DiskTotal { get; set; }
        public long DiskProcessed { get; set; }
        public long DiskRemaining { get; set; }
        public long? DowntimeMs { get; set; }
        public int AutoConvergeThrottlePercent { get; set; }
        public long PostCopyRequests { get; set; }
        public long SetupTimeMs { get; set; }
    }

    public enum JobKind
    {
        None,
        Bounded,
        Unbounded,
        Completed,
        Failed,
        Cancelled,
    }

    /// <summary>libvirt's virDomainJobOperation values; Unknown for a hypervisor that does not say and for values newer than us.</summary>
    public enum JobOperation
    {
        Unknown = 0,
        Start = 1,
        Save = 2,
        Restore = 3,
        MigrationIn = 4,
        MigrationOut = 5,
        Snapshot = 6,
        SnapshotRevert = 7,
        Dump = 8,
        Backup = 9,
        SnapshotDelete = 10,
    }
}
