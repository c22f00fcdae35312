namespace VmMigration.Providers
{
    /// <summary>A storage volume: where it is, its format, and how big it is to the guest and on disk.</summary>
    public sealed class StorageVolumeInfo
    {
        public string Name { get; set; } = "";
        public string Path { get; set; } = "";
        public string PoolName { get; set; } = "";
        /// <summary>"qcow2", "raw", ...</summary>
        public string Format { get; set; } = "";
        /// <summary>The size the guest sees.</summary>
        public long CapacityBytes { get; set; }
        /// <summary>Bytes the host has allocated for it (holes excluded).</summary>
        public long AllocationBytes { get; set; }
        /// <summary>The file's length on the host (what a byte-for-byte copy must reproduce).</summary>
        public long PhysicalBytes { get; set; }
        /// <summary>The backing file of an overlay; null when the volume stands alone.</summary>
        public string? BackingPath { get; set; }
    }
}
