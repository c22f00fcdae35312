using System;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// Delta compression of re-sent pages (QEMU's XBZRLE): the source keeps a cache of the pages it has sent, and a page
    /// dirtied again goes as its difference from the cached copy. A guest that rewrites a few bytes of many pages (counters,
    /// database rows, queues) then costs a few bytes per page instead of 4 KiB, so pre-copy converges without throttling
    /// the guest. A guest that rewrites whole pages gains nothing: each delta overflows and the page goes whole, as it
    /// would anyway. The price is source CPU for the diff and the cache's memory in the source QEMU.
    /// </summary>
    public static class DeltaCompression
    {
        /// <summary>The -Compression value that asks for it explicitly.</summary>
        public const string Method = "Xbzrle";
        /// <summary>The -Compression default: Strategy Auto chooses delta compression for a guest that dirties fast.</summary>
        public const string Automatic = "Auto";

        /// <summary>
        /// Auto turns it on when the guest dirties at least this share of the bandwidth. Without deltas pre-copy sends about
        /// W / (1 - r) for a working set W and dirty ratio r; with them about 2W (the first pass, then one whole copy of each
        /// re-dirtied page to fill the cache, then deltas). Those meet at r = 0.5.
        /// </summary>
        public const double DirtyRatioThreshold = 0.5;
        /// <summary>With no bandwidth cap the link is taken to be 10 GbE (about 1 GiB/s) for the ratio.</summary>
        public const long UncappedLinkMBps = 1024;
        public const long MinCacheMB = 64;
        public const long MaxCacheMB = 1024;

        /// <summary>True when the measured dirty rate is high enough against the bandwidth for deltas to send less.</summary>
        public static bool Worthwhile(double? dirtyRateMBps, long bandwidthMBps)
        {
            var link = bandwidthMBps > 0 ? bandwidthMBps : UncappedLinkMBps;
            return dirtyRateMBps.HasValue && dirtyRateMBps.Value >= DirtyRatioThreshold * link;
        }

        /// <summary>
        /// The cache size: the guest's memory rounded up to a power of two (QEMU requires one), at most <see cref="MaxCacheMB"/>
        /// and at most a quarter of the source host's free memory; 0 when even <see cref="MinCacheMB"/> does not fit.
        /// </summary>
        public static long CacheMBFor(long guestMemoryMB, long? sourceFreeMemoryMB)
        {
            long cache = MinCacheMB;
            while (cache < guestMemoryMB && cache < MaxCacheMB)
            {
                cache *= 2;
            }
            if (sourceFreeMemoryMB.HasValue)
            {
                var allowed = Math.Max(0, sourceFreeMemoryMB.Value / 4);
                while (cache > allowed && cache >= MinCacheMB)
                {
                    cache /= 2;
                }
                if (cache < MinCacheMB)
                {
                    return 0;
                }
            }
            return cache;
        }

        /// <summary>True when the user's -Compression leaves the choice to the strategy.</summary>
        public static bool IsAutomatic(string? compression)
            => string.IsNullOrWhiteSpace(compression) || compression!.Trim().Equals(Automatic, StringComparison.OrdinalIgnoreCase);

        public static bool IsRequested(string? compression)
            => compression != null && compression.Trim().Equals(Method, StringComparison.OrdinalIgnoreCase);
    }
}
