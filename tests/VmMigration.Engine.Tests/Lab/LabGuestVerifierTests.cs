using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    public class LabGuestVerifierTests
    {
        private static LabGuestSnapshot Snapshot(ulong pass, ulong heartbeat, uint rate = 10, LabGuestMode mode = LabGuestMode.Paced, ulong? pagesWritten = null)
        {
            var memory = new SyntheticGuestMemory(64, pass, rate, mode, heartbeat);
            if (pagesWritten.HasValue) memory.PagesWritten = pagesWritten.Value;
            return new LabGuestMemoryCheck(memory.Read).Read();
        }

        [Fact]
        public void Two_good_snapshots_are_intact_and_advancing()
        {
            var v = LabGuestVerifier.Verify(Snapshot(3, 100), Snapshot(4, 180));
            Assert.True(v.IsIntactAndAdvancing, v.Message);
            Assert.StartsWith("intact and advancing", v.Message);
            Assert.Empty(v.Problems);
        }

        [Fact]
        public void Idle_guest_at_rate_zero_advances_by_heartbeat_alone()
        {
            var v = LabGuestVerifier.Verify(Snapshot(1, 100, rate: 0), Snapshot(1, 150, rate: 0));
            Assert.True(v.IsIntactAndAdvancing, v.Message);
        }

        [Fact]
        public void Stopped_heartbeat_means_not_advancing()
        {
            var v = LabGuestVerifier.Verify(Snapshot(3, 100), Snapshot(4, 100));
            Assert.True(v.IsIntact);
            Assert.False(v.IsAdvancing);
            Assert.Contains("heartbeat did not advance", v.Message);
        }

        [Fact]
        public void Heartbeat_going_backwards_means_a_restart()
        {
            var v = LabGuestVerifier.Verify(Snapshot(3, 500), Snapshot(3, 20));
            Assert.Contains("heartbeat went backwards", v.Message);
        }

        [Fact]
        public void Guest_that_should_write_but_does_not_is_not_advancing()
        {
            var v = LabGuestVerifier.Verify(Snapshot(3, 100, pagesWritten: 1000), Snapshot(3, 200, pagesWritten: 1000));
            Assert.False(v.IsAdvancing);
            Assert.Contains("stopped rewriting", v.Message);
        }

        [Fact]
        public void Corrupt_later_snapshot_is_not_intact_and_names_the_page()
        {
            var memory = new SyntheticGuestMemory(64, 4, heartbeat: 200);
            memory.Image[memory.PageOffset(5) + 16] ^= 1;
            var later = new LabGuestMemoryCheck(memory.Read).Read();
            var v = LabGuestVerifier.Verify(Snapshot(3, 100), later);
            Assert.False(v.IsIntact);
            Assert.Contains("later snapshot: 1 of 64 pages corrupt", v.Message);
            Assert.Contains("page 5 ", v.Message);
        }

        [Fact]
        public void Different_parameters_mean_another_guest_or_a_reboot()
        {
            var v = LabGuestVerifier.Verify(Snapshot(3, 100, rate: 10), Snapshot(3, 200, rate: 20));
            Assert.False(v.IsIntactAndAdvancing);
            Assert.Contains("parameters changed", v.Message);
        }

        [Fact]
        public void Missing_header_in_either_snapshot_is_reported()
        {
            var memory = new SyntheticGuestMemory(64, 1);
            memory.Image[(int)LabGuestLayout.HeaderAddress] = 0;
            var v = LabGuestVerifier.Verify(Snapshot(1, 1), new LabGuestMemoryCheck(memory.Read).Read());
            Assert.False(v.IsIntact);
            Assert.Contains("later snapshot: no lab guest header", v.Message);
        }
    }
}
