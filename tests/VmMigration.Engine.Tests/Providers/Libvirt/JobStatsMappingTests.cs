using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using VmMigration.Providers.Libvirt.Native;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class JobStatsMappingTests
    {
        [Fact]
        public void Maps_the_fields_of_a_completed_migration_as_the_job_completed_event_carries_them()
        {
            using var array = new TypedParameterArrayBuilder()
                .Int("operation", 8).ULLong("time_elapsed", 4373).ULLong("downtime", 10).ULLong("setup_time", 9)
                .ULLong("data_total", 134610944).ULLong("data_processed", 57229952).ULLong("data_remaining", 0)
                .ULLong("memory_total", 134610944).ULLong("memory_processed", 57229952).ULLong("memory_remaining", 0)
                .ULLong("memory_bps", 23015965).ULLong("memory_dirty_rate", 2485).ULLong("memory_page_size", 4096)
                .ULLong("memory_iteration", 2).ULLong("memory_postcopy_requests", 68).Int("auto_converge_throttle", 35)
                .ULLong("disk_total", 3).ULLong("disk_processed", 2).ULLong("disk_remaining", 1)
                .Build();

            var progress = JobStatsMapping.ToJobProgress(JobKind.Completed, TypedParameterReader.Read(array.Pointer, array.Count));

            Assert.Equal(JobKind.Completed, progress.Kind);
            Assert.Equal(4373, progress.ElapsedMs);
            Assert.Equal(10, progress.DowntimeMs);
            Assert.Equal(9, progress.SetupTimeMs);
            Assert.Equal(134610944, progress.DataTotal);
            Assert.Equal(57229952, progress.DataProcessed);
            Assert.Equal(0, progress.DataRemaining);
            Assert.Equal(134610944, progress.MemoryTotal);
            Assert.Equal(57229952, progress.MemoryProcessed);
            Assert.Equal(0, progress.MemoryRemaining);
            Assert.Equal(23015965, progress.MemoryBytesPerSec);
            Assert.Equal(2485L * 4096, progress.MemoryDirtyRateBytesPerSec);
            Assert.Equal(4096, progress.MemoryPageSize);
            Assert.Equal(2, progress.MemoryIteration);
            Assert.Equal(68, progress.PostCopyRequests);
            Assert.Equal(35, progress.AutoConvergeThrottlePercent);
            Assert.Equal(3, progress.DiskTotal);
            Assert.Equal(2, progress.DiskProcessed);
            Assert.Equal(1, progress.DiskRemaining);
        }

        [Theory]
        [InlineData(5, JobOperation.MigrationOut)]
        [InlineData(4, JobOperation.MigrationIn)]
        [InlineData(9, JobOperation.Backup)]
        [InlineData(42, JobOperation.Unknown)]
        public void The_operation_says_what_the_job_does_and_a_value_newer_than_us_is_unknown(int libvirtOperation, JobOperation expected)
        {
            var stats = new TypedParameterSet();
            stats.Add("operation", libvirtOperation);

            Assert.Equal(expected, JobStatsMapping.ToJobProgress(JobKind.Unbounded, stats).Operation);
        }

        [Fact]
        public void Dirty_rate_pages_use_the_reported_page_size()
        {
            var stats = new TypedParameterSet();
            stats.Add("memory_dirty_rate", 100UL);
            stats.Add("memory_page_size", 65536UL);

            Assert.Equal(100L * 65536, JobStatsMapping.ToJobProgress(JobKind.Unbounded, stats).MemoryDirtyRateBytesPerSec);
        }

        [Fact]
        public void Without_a_page_size_pages_are_4_KiB_and_absent_downtime_stays_empty()
        {
            var stats = new TypedParameterSet();
            stats.Add("memory_dirty_rate", 10UL);

            var progress = JobStatsMapping.ToJobProgress(JobKind.Unbounded, stats);

            Assert.Equal(40960, progress.MemoryDirtyRateBytesPerSec);
            Assert.Equal(4096, progress.MemoryPageSize);
            Assert.Null(progress.DowntimeMs);
            Assert.Equal(0, progress.ElapsedMs);
        }
    }
}
