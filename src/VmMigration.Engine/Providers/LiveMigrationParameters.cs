using System;
using System.Collections.Generic;

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
        /// <summary>
        /// With <see cref="CopyStorage"/>: the disks to copy and the destination file each lands in (the volumes exist there
        /// already). Empty: every writable disk is copied to the same path on the destination.
        /// </summary>
        public IReadOnlyList<DiskPlacement> DiskPlacements { get; set; } = Array.Empty<DiskPlacement>();
        public int ParallelConnections { get; set; }
        /// <summary>None, Zstd, Zlib (multifd streams) or Xbzrle (deltas of re-sent pages, single stream).</summary>
        public string Compression { get; set; } = "None";
        /// <summary>Memory and disk streams over TLS between the two hypervisors (their own certificates).</summary>
        public bool Encrypted { get; set; }
        /// <summary>With Xbzrle: the source's cache of sent pages, a power of two in MiB.</summary>
        public long DeltaCacheMB { get; set; }
    }
}
