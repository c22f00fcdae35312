using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>virDomainGetJobStats / job-completed event fields (VIR_DOMAIN_JOB_*) to a <see cref="JobProgress"/>.</summary>
    internal static class JobStatsMapping
    {
        private const long DefaultPageSize = 4096;

        public static JobOperation ToOperation(long libvirtOperation) =>
            libvirtOperation > 0 && libvirtOperation <= (long)JobOperation.SnapshotDelete ? (JobOperation)libvirtOperation : JobOperation.Unknown;

        public static JobProgress ToJobProgress(JobKind kind, TypedParameterSet stats)
        {
            long pageSize = stats.GetInt64OrDefault("memory_page_size", DefaultPageSize);
            if (pageSize <= 0) pageSize = DefaultPageSize;
            return new JobProgress
            {
                Kind = kind,
                Operation = ToOperation(stats.GetInt64OrDefault("operation")),
                ElapsedMs = stats.GetInt64OrDefault("time_elapsed"),
                DataTotal = stats.GetInt64OrDefault("data_total"),
                DataProcessed = stats.GetInt64OrDefault("data_processed"),
                DataRemaining = stats.GetInt64OrDefault("data_remaining"),
                MemoryTotal = stats.GetInt64OrDefault("memory_total"),
                MemoryProcessed = stats.GetInt64OrDefault("memory_processed"),
                MemoryRemaining = stats.GetInt64OrDefault("memory_remaining"),
                // libvirt reports pages per second; the engine reasons in bytes.
                MemoryDirtyRateBytesPerSec = stats.GetInt64OrDefault("memory_dirty_rate") * pageSize,
                MemoryBytesPerSec = stats.GetInt64OrDefault("memory_bps"),
                MemoryIteration = (int)stats.GetInt64OrDefault("memory_iteration"),
                MemoryPageSize = pageSize,
                DiskTotal = stats.GetInt64OrDefault("disk_total"),
                DiskProcessed = stats.GetInt64OrDefault("disk_processed"),
                DiskRemaining = stats.GetInt64OrDefault("disk_remaining"),
                DowntimeMs = stats.TryGetInt64("downtime", out var downtime) ? downtime : (long?)null,
                AutoConvergeThrottlePercent = (int)stats.GetInt64OrDefault("auto_converge_throttle"),
                PostCopyRequests = stats.GetInt64OrDefault("memory_postcopy_requests"),
                SetupTimeMs = stats.GetInt64OrDefault("setup_time"),
            };
        }
    }
}
