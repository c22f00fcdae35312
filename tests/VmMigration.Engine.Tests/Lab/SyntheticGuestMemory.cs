using System;
using System.Text;
using VmMigration.Lab;

namespace VmMigration.Tests.Lab
{
    /// <summary>A lab guest's memory image built the way guest.c writes it, with hooks to damage it.</summary>
    internal sealed class SyntheticGuestMemory
    {
        public readonly byte[] Image;
        public readonly uint PageCount;
        public int ReadCalls;

        /// <summary>Called before each read; lets a test change memory "while the guest runs".</summary>
        public Action<ulong, int>? BeforeRead;

        public SyntheticGuestMemory(uint pageCount, ulong pass, uint rateMBps = 10, LabGuestMode mode = LabGuestMode.Paced, ulong heartbeat = 100)
        {
            PageCount = pageCount;
            Image = new byte[LabGuestLayout.WorkingSetAddress + (ulong)pageCount * LabGuestLayout.PageSize];
            Encoding.ASCII.GetBytes(LabGuestLayout.HeaderMagic).CopyTo(Image, (int)LabGuestLayout.HeaderAddress);
            SetHeader(8, 1);
            SetHeader(12, 80);
            SetHeader64(16, LabGuestLayout.WorkingSetAddress);
            SetHeader(24, pageCount);
            SetHeader(28, LabGuestLayout.PageSize);
            SetHeader(32, rateMBps);
            SetHeader(36, (uint)mode);
            SetHeader(68, 200);
            Pass = pass;
            Heartbeat = heartbeat;
            PagesWritten = pass * pageCount;
            for (uint page = 0; page < pageCount; page++) WritePage(page, pass);
        }

        public ulong Pass { set => SetHeader64(40, value); }
        public ulong Heartbeat { set => SetHeader64(48, value); }
        public ulong PagesWritten { set => SetHeader64(56, value); }

        public void WritePage(uint page, ulong pass)
        {
            WriteRecord(PageOffset(page), page, pass, LabGuestLayout.RecordChecksum(page, pass));
            WriteRecord(PageOffset(page) + LabGuestLayout.RecordTailOffset, page, pass, LabGuestLayout.RecordChecksum(page, pass));
        }

        public int PageOffset(uint page) => (int)LabGuestLayout.WorkingSetAddress + (int)page * LabGuestLayout.PageSize;

        public byte[] Read(ulong address, int length)
        {
            ReadCalls++;
            BeforeRead?.Invoke(address, length);
            var copy = new byte[length];
            Array.Copy(Image, (long)address, copy, 0, length);
            return copy;
        }

        private void WriteRecord(int offset, uint index, ulong pass, uint checksum)
        {
            Put32(offset, LabGuestLayout.RecordMagic);
            Put32(offset + 4, index);
            Put64(offset + 8, pass);
            Put32(offset + 16, checksum);
        }

        private void SetHeader(int field, uint value) => Put32((int)LabGuestLayout.HeaderAddress + field, value);
        private void SetHeader64(int field, ulong value) => Put64((int)LabGuestLayout.HeaderAddress + field, value);

        private void Put32(int offset, uint v) => BitConverter.GetBytes(v).CopyTo(Image, offset);
        private void Put64(int offset, ulong v) => BitConverter.GetBytes(v).CopyTo(Image, offset);
    }
}
