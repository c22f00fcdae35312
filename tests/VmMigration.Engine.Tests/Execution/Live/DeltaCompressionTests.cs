using VmMigration.Execution.Live;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    public class DeltaCompressionTests
    {
        [Theory]
        [InlineData(16.0, 32, true)]
        [InlineData(15.9, 32, false)]
        [InlineData(96.0, 32, true)]
        [InlineData(100.0, 0, false)]
        [InlineData(600.0, 0, true)]
        public void It_is_worthwhile_from_half_the_bandwidth_up(double dirtyMBps, long bandwidthMBps, bool expected)
        {
            Assert.Equal(expected, DeltaCompression.Worthwhile(dirtyMBps, bandwidthMBps));
        }

        [Fact]
        public void An_unmeasured_dirty_rate_never_turns_it_on()
        {
            Assert.False(DeltaCompression.Worthwhile(null, 32));
        }

        [Theory]
        [InlineData(32, null, 64)]
        [InlineData(192, null, 256)]
        [InlineData(256, null, 256)]
        [InlineData(65536, null, 1024)]
        [InlineData(65536, 1000L, 128)]
        [InlineData(192, 255L, 0)]
        public void The_cache_is_a_power_of_two_covering_the_guest_within_a_quarter_of_the_free_memory(long guestMB, long? freeMB, long expected)
        {
            Assert.Equal(expected, DeltaCompression.CacheMBFor(guestMB, freeMB));
        }
    }
}
