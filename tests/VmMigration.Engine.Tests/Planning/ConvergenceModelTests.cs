using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Planning
{
    public class ConvergenceModelTests
    {
        [Fact]
        public void An_idle_guest_takes_one_round_plus_setup()
        {
            var prediction = new ConvergenceModel(bandwidthMBps: 100, setupSec: 1, switchoverOverheadMs: 20).Predict(memoryMB: 1000, dirtyRateMBps: 0);
            Assert.True(prediction.Converges);
            Assert.Equal(1, prediction.Rounds);
            Assert.Equal(1 + 10 + 0.02, prediction.DurationSec, 6);
            Assert.Equal(20, prediction.DowntimeMs, 6);
        }

        [Fact]
        public void A_dirtying_guest_needs_more_rounds_and_stays_under_the_downtime_limit()
        {
            var model = new ConvergenceModel(bandwidthMBps: 100, maxDowntimeMs: 300);
            var slow = model.Predict(1000, 10);
            var busy = model.Predict(1000, 50);
            Assert.True(busy.Converges);
            Assert.True(busy.Rounds > slow.Rounds);
            Assert.True(busy.DurationSec > slow.DurationSec);
            Assert.True(busy.DowntimeMs <= 300 + model.SwitchoverOverheadMs);
            Assert.True(busy.TransferredMB > 1000);
        }

        [Fact]
        public void A_guest_dirtying_faster_than_the_link_does_not_converge()
        {
            // The lab's case: 64 MB working set rewritten at ~60 MB/s over a 20 MB/s link.
            var prediction = new ConvergenceModel(bandwidthMBps: 20).Predict(memoryMB: 256, dirtyRateMBps: 60, workingSetMB: 64);
            Assert.False(prediction.Converges);
            Assert.True(prediction.DowntimeMs > 300);
        }
    }
}
