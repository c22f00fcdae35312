namespace VmMigration.Providers
{
    /// <summary>A snapshot of a hypervisor job's statistics (libvirt's virDomainGetJobStats fields), in bytes and ms.</summary>
    public sealed class JobProgress
    {
        public JobKind Kind { get; set; }
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
}
