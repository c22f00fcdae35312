using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace VmMigration.Lab
{
    /// <summary>
    /// Reads a lab guest's header and working set through a guest-physical read function (the lead passes
    /// IHostConnection.ReadGuestMemory) and checks every page's record. Each read call is slow (~8 ms over libvirt),
    /// so the working set is read in large chunks.
    /// </summary>
    public sealed class LabGuestMemoryCheck
    {
        public const int DefaultChunkBytes = 1 << 20;
        public const int MaxReportedProblems = 10;

        /// <summary>Torn-looking pages re-read one by one; beyond this many, the rest count as corrupt (bounds the time).</summary>
        public const int MaxRereads = 64;

        private readonly Func<ulong, int, byte[]> _readPhysical;
        private readonly int _chunkBytes;

        public LabGuestMemoryCheck(Func<ulong, int, byte[]> readPhysical, int chunkBytes = DefaultChunkBytes)
        {
            _readPhysical = readPhysical ?? throw new ArgumentNullException(nameof(readPhysical));
            if (chunkBytes < LabGuestLayout.PageSize || chunkBytes % LabGuestLayout.PageSize != 0)
                throw new ArgumentOutOfRangeException(nameof(chunkBytes), "a chunk must be a positive multiple of the 4 KiB page size");
            _chunkBytes = chunkBytes;
        }

        public LabGuestSnapshot Read()
        {
            var snapshot = new LabGuestSnapshot();
            var problems = new List<string>();
            snapshot.Problems = problems;

            byte[] header = ReadExactly(LabGuestLayout.HeaderAddress, LabGuestLayout.HeaderReadLength);
            string? headerProblem = DescribeHeaderProblem(header);
            if (headerProblem != null)
            {
                problems.Add(headerProblem);
                return snapshot;
            }

            snapshot.HeaderFound = true;
            snapshot.WorkingSetBase = LabGuestLayout.ReadUInt64(header, LabGuestLayout.HeaderWorkingSetBaseOffset);
            snapshot.PageCount = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderPageCountOffset);
            snapshot.RateMBps = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderRateOffset);
            snapshot.Mode = (LabGuestMode)LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderModeOffset);
            snapshot.TickHz = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderTickHzOffset);
            snapshot.Pass = LabGuestLayout.ReadUInt64(header, LabGuestLayout.HeaderPassOffset);
            snapshot.Heartbeat = LabGuestLayout.ReadUInt64(header, LabGuestLayout.HeaderHeartbeatOffset);
            snapshot.PagesWritten = LabGuestLayout.ReadUInt64(header, LabGuestLayout.HeaderPagesWrittenOffset);

            var passes = new ulong[snapshot.PageCount];
            var torn = new List<uint>();
            ReadWorkingSet(snapshot, passes, torn);

            var corrupt = new HashSet<uint>();
            foreach (uint page in torn)
            {
                string? problem = null;
                if (snapshot.RereadPages < MaxRereads)
                {
                    snapshot.RereadPages++;
                    byte[] again = ReadExactly(PageAddress(snapshot, page), LabGuestLayout.PageSize);
                    problem = CheckPage(again, 0, page, out passes[page]);
                }
                else
                {
                    problem = "not re-read (too many torn-looking pages)";
                }

                if (problem != null)
                {
                    corrupt.Add(page);
                    AddProblem(problems, string.Format(CultureInfo.InvariantCulture, "page {0} (0x{1:x}): {2}", page, PageAddress(snapshot, page), problem));
                }
            }

            // The header is read last so that any pass a page could hold during the read is inside [Pass-1, PassAfter].
            byte[] headerAfter = ReadExactly(LabGuestLayout.HeaderAddress, LabGuestLayout.HeaderReadLength);
            snapshot.PassAfter = LabGuestLayout.ReadUInt64(headerAfter, LabGuestLayout.HeaderPassOffset);
            snapshot.HeartbeatAfter = LabGuestLayout.ReadUInt64(headerAfter, LabGuestLayout.HeaderHeartbeatOffset);

            ulong oldestAllowed = snapshot.Pass == 0 ? 0 : snapshot.Pass - 1;
            int stale = 0;
            for (uint page = 0; page < passes.Length; page++)
            {
                if (corrupt.Contains(page)) continue;
                ulong pass = passes[page];
                if (pass >= oldestAllowed && pass <= snapshot.PassAfter) continue;
                stale++;
                AddProblem(problems, string.Format(CultureInfo.InvariantCulture,
                    "page {0} (0x{1:x}): holds pass {2}, expected {3}..{4}", page, PageAddress(snapshot, page), pass, oldestAllowed, snapshot.PassAfter));
            }

            snapshot.PagesChecked = passes.Length;
            snapshot.CorruptPages = corrupt.Count;
            snapshot.StalePages = stale;
            return snapshot;
        }

        private void ReadWorkingSet(LabGuestSnapshot snapshot, ulong[] passes, List<uint> torn)
        {
            long totalBytes = (long)snapshot.PageCount * LabGuestLayout.PageSize;
            for (long offset = 0; offset < totalBytes; offset += _chunkBytes)
            {
                int length = (int)Math.Min(_chunkBytes, totalBytes - offset);
                byte[] chunk = ReadExactly(snapshot.WorkingSetBase + (ulong)offset, length);
                uint firstPage = (uint)(offset / LabGuestLayout.PageSize);
                for (int pageOffset = 0; pageOffset < length; pageOffset += LabGuestLayout.PageSize)
                {
                    uint page = firstPage + (uint)(pageOffset / LabGuestLayout.PageSize);
                    if (CheckPage(chunk, pageOffset, page, out passes[page]) != null)
                        torn.Add(page); // re-read later: the guest may have been mid-write on this very page
                }
            }
        }

        /// <summary>Returns null when the page's record and its tail copy are valid and agree; otherwise why not.</summary>
        internal static string? CheckPage(byte[] buffer, int pageOffset, uint expectedIndex, out ulong pass)
        {
            pass = 0;
            string? head = CheckRecord(buffer, pageOffset, expectedIndex, out ulong headPass);
            if (head != null) return head;
            string? tail = CheckRecord(buffer, pageOffset + LabGuestLayout.RecordTailOffset, expectedIndex, out ulong tailPass);
            if (tail != null) return "tail copy: " + tail;
            if (headPass != tailPass)
                return string.Format(CultureInfo.InvariantCulture, "head says pass {0}, tail copy says pass {1}", headPass, tailPass);
            pass = headPass;
            return null;
        }

        private static string? CheckRecord(byte[] b, int offset, uint expectedIndex, out ulong pass)
        {
            uint magic = LabGuestLayout.ReadUInt32(b, offset);
            uint index = LabGuestLayout.ReadUInt32(b, offset + 4);
            pass = LabGuestLayout.ReadUInt64(b, offset + 8);
            uint checksum = LabGuestLayout.ReadUInt32(b, offset + 16);
            if (magic != LabGuestLayout.RecordMagic)
                return string.Format(CultureInfo.InvariantCulture, "bad record magic 0x{0:x8}", magic);
            if (index != expectedIndex)
                return string.Format(CultureInfo.InvariantCulture, "record names page {0}", index);
            if (checksum != LabGuestLayout.RecordChecksum(index, pass))
                return string.Format(CultureInfo.InvariantCulture, "bad checksum 0x{0:x8} for pass {1}", checksum, pass);
            return null;
        }

        private static string? DescribeHeaderProblem(byte[] header)
        {
            string magic = Encoding.ASCII.GetString(header, 0, 8);
            if (magic != LabGuestLayout.HeaderMagic)
                return string.Format(CultureInfo.InvariantCulture,
                    "no lab guest header at 0x{0:x} (the guest is still booting, or it is not the lab guest)", LabGuestLayout.HeaderAddress);
            uint version = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderVersionOffset);
            uint pageSize = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderPageSizeOffset);
            uint pageCount = LabGuestLayout.ReadUInt32(header, LabGuestLayout.HeaderPageCountOffset);
            if (version != LabGuestLayout.HeaderVersion || pageSize != LabGuestLayout.PageSize || pageCount == 0 || pageCount > LabGuestLayout.MaxPageCount)
                return string.Format(CultureInfo.InvariantCulture,
                    "lab guest header is not understood (version {0}, page size {1}, {2} pages): rebuild the guest or the module so they match",
                    version, pageSize, pageCount);
            return null;
        }

        private byte[] ReadExactly(ulong address, int length)
        {
            byte[] data = _readPhysical(address, length);
            if (data == null || data.Length < length)
                throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                    "guest memory read at 0x{0:x} returned {1} bytes, {2} asked", address, data?.Length ?? 0, length));
            return data;
        }

        private static ulong PageAddress(LabGuestSnapshot snapshot, uint page) =>
            snapshot.WorkingSetBase + (ulong)page * LabGuestLayout.PageSize;

        private static void AddProblem(List<string> problems, string problem)
        {
            if (problems.Count < MaxReportedProblems) problems.Add(problem);
        }
    }
}
