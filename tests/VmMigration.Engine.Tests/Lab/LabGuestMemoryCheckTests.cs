using System;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    public class LabGuestMemoryCheckTests
    {
        private const uint Pages = 600; // not a multiple of the chunk size below, so the last chunk is short

        private static LabGuestSnapshot Check(SyntheticGuestMemory memory) =>
            new LabGuestMemoryCheck(memory.Read, chunkBytes: 256 * LabGuestLayout.PageSize).Read();

        [Fact]
        public void Checksum_matches_the_one_the_real_guest_wrote()
        {
            // Page 0 of pass 2 as dumped from a running guest (pmemsave): 564d4750 00000000 0200000000000000 5413e371.
            Assert.Equal(0x71E31354u, LabGuestLayout.RecordChecksum(0, 2));
        }

        [Fact]
        public void Intact_pattern_reads_as_intact_in_few_large_reads()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 7);
            var s = Check(memory);
            Assert.True(s.IsIntact);
            Assert.Equal(Pages, (uint)s.PagesChecked);
            Assert.Equal(7ul, s.Pass);
            Assert.Equal(0, s.CorruptPages);
            Assert.Equal(0, s.StalePages);
            Assert.Equal(5, memory.ReadCalls); // header, 3 chunks, header again
        }

        [Fact]
        public void Guest_caught_mid_pass_shows_two_adjacent_passes_and_is_intact()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 250);
            memory.Pass = 251;
            for (uint page = 0; page < 100; page++) memory.WritePage(page, 251);
            var s = Check(memory);
            Assert.True(s.IsIntact, string.Join("; ", s.Problems));
        }

        [Fact]
        public void Guest_advancing_a_pass_during_the_read_is_intact()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 4);
            memory.BeforeRead = (address, length) =>
            {
                if (address != LabGuestLayout.WorkingSetAddress) return;
                memory.Pass = 5; // the guest finishes pass 4 and starts 5 while the engine reads
                memory.WritePage(0, 5);
            };
            var s = Check(memory);
            Assert.True(s.IsIntact, string.Join("; ", s.Problems));
            Assert.Equal(5ul, s.PassAfter);
        }

        [Theory]
        [InlineData(0, "bad record magic")]       // head magic
        [InlineData(4, "record names page")]      // head index
        [InlineData(16, "bad checksum")]          // head checksum
        [InlineData(LabGuestLayout.RecordTailOffset + 8, "tail copy")] // tail pass
        public void Damaged_record_is_counted_corrupt_and_named(int byteInPage, string expected)
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 3);
            memory.Image[memory.PageOffset(42) + byteInPage] ^= 0x5A;
            var s = Check(memory);
            Assert.False(s.IsIntact);
            Assert.Equal(1, s.CorruptPages);
            Assert.Equal(0, s.StalePages);
            Assert.Contains("page 42 ", s.Problems[0]);
            Assert.Contains(expected, s.Problems[0]);
        }

        [Fact]
        public void Zeroed_page_is_corrupt()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 3);
            Array.Clear(memory.Image, memory.PageOffset(599), LabGuestLayout.PageSize);
            Assert.Equal(1, Check(memory).CorruptPages);
        }

        [Fact]
        public void Page_from_an_older_pass_is_stale_not_corrupt()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 9);
            memory.WritePage(10, 7); // valid record, but two passes behind: a write was lost
            var s = Check(memory);
            Assert.False(s.IsIntact);
            Assert.Equal(0, s.CorruptPages);
            Assert.Equal(1, s.StalePages);
            Assert.Contains("page 10 ", s.Problems[0]);
            Assert.Contains("holds pass 7, expected 8..9", s.Problems[0]);
        }

        [Fact]
        public void Page_torn_by_a_concurrent_write_is_reread_and_not_counted()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 2);
            int page = memory.PageOffset(300);
            memory.Image[page + 16] ^= 0xFF; // looks torn in the bulk read
            memory.BeforeRead = (address, length) =>
            {
                if (length == LabGuestLayout.PageSize) memory.WritePage(300, 2); // ...and is whole when read again
            };
            var s = Check(memory);
            Assert.True(s.IsIntact, string.Join("; ", s.Problems));
            Assert.Equal(1, s.RereadPages);
        }

        [Fact]
        public void Missing_header_says_so()
        {
            var memory = new SyntheticGuestMemory(Pages, pass: 1);
            Array.Clear(memory.Image, (int)LabGuestLayout.HeaderAddress, 8);
            var s = Check(memory);
            Assert.False(s.HeaderFound);
            Assert.Contains("no lab guest header", s.Problems[0]);
            Assert.Equal(1, memory.ReadCalls); // nothing else is read
        }

        [Fact]
        public void Short_read_is_an_error_not_a_corrupt_page()
        {
            var check = new LabGuestMemoryCheck((address, length) => new byte[length / 2]);
            Assert.Throws<InvalidOperationException>(() => check.Read());
        }
    }
}
