namespace VmMigration.Providers
{
    /// <summary>What a host says about one of its storage pools (refreshed before it is read).</summary>
    public sealed class StoragePoolInfo
    {
        public string Name { get; set; } = "";
        public bool Active { get; set; }
        /// <summary>The pool's directory for file-based pools; empty for others.</summary>
        public string TargetPath { get; set; } = "";
        public long CapacityBytes { get; set; }
        public long AllocationBytes { get; set; }
        public long AvailableBytes { get; set; }
    }
}
