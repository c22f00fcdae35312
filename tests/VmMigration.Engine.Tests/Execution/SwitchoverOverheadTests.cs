using VmMigration.Execution;
using Xunit;

namespace VmMigration.Tests.Execution
{
    public class SwitchoverOverheadTests
    {
        [Fact]
        public void The_overhead_a_host_pair_adds_is_taken_off_the_next_limit_and_never_below_the_minimum()
        {
            Assert.Equal(300, SwitchoverOverhead.LimitFor("x1", "y1", 300));

            SwitchoverOverhead.Observe("x1", "y1", measuredDowntimeMs: 260, limitMs: 100);
            Assert.Equal(160, SwitchoverOverhead.For("x1", "y1"));
            Assert.Equal(140, SwitchoverOverhead.LimitFor("x1", "y1", 300));
            Assert.Equal(300, SwitchoverOverhead.LimitFor("y1", "x1", 300));

            SwitchoverOverhead.Observe("x1", "y1", measuredDowntimeMs: 900, limitMs: 140);
            Assert.Equal(SwitchoverOverhead.MinimumLimitMs, SwitchoverOverhead.LimitFor("x1", "y1", 300));
        }
    }
}
