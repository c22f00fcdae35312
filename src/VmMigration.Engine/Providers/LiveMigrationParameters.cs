namespace VmMigration.Providers
{
    /// <summary>How one live migration is run. The engine fills it; the provider maps it to flags and typed parameters.</summary>
    public sealed class LiveMigrationParameters
    {
        /// <summary>Where the migration stream goes, e.g. tcp://127.0.0.1 (empty: the destination's own choice).</summary>
        public string? MigrationUri { get; set; }
        /// <summary>0 means unlimited.</summary>
        public long BandwidthMBps { get; set; }
        /// <summary>Downtime limit to start with; 0 keeps the hypervisor's default.</summary>
        public long InitialMaxDowntimeMs { get; set; }
        public bool AutoConverge { get; set; }
        public int AutoConvergeInitialPercent { get; set; }
        public int AutoConvergeIncrementPercent { get; set; }
        /// <summary>Enables post-copy so that <see cref="IHostConnection.StartPostCopy"/> can switch to it.</summary>
        public bool AllowPostCopy { get; set; }
        public bool CopyStorage { get; set; }
        public int ParallelConnections { get; set; }
        /// <summary>None, Zstd or Zlib.</summary>
        public string Compression { get; set; } = "None";
    }
}
