namespace VmMigration.Lab
{
    /// <summary>
    /// The lab guest's memory layout. These numbers are a contract with module/guest/guest.c (struct lab_header,
    /// struct page_record); change both together.
    /// </summary>
    public static class LabGuestLayout
    {
        public const ulong HeaderAddress = 0x200000;
        public const ulong WorkingSetAddress = 0x400000;
        public const int PageSize = 4096;
        public const int HeaderVersion = 1;
        public const string HeaderMagic = "VMMIGLAB";
        public const uint RecordMagic = 0x50474D56; // "VMGP" little-endian

        /// <summary>Bytes of the header the engine reads; the guest's header is 80 bytes.</summary>
        public const int HeaderReadLength = 128;

        // Header field offsets.
        internal const int HeaderVersionOffset = 8;
        internal const int HeaderWorkingSetBaseOffset = 16;
        internal const int HeaderPageCountOffset = 24;
        internal const int HeaderPageSizeOffset = 28;
        internal const int HeaderRateOffset = 32;
        internal const int HeaderModeOffset = 36;
        internal const int HeaderPassOffset = 40;
        internal const int HeaderHeartbeatOffset = 48;
        internal const int HeaderPagesWrittenOffset = 56;
        internal const int HeaderTickHzOffset = 68;

        /// <summary>A page record: magic u32, page index u32, pass u64, checksum u32; one at the page's start, a copy at its end.</summary>
        public const int RecordLength = 20;
        public const int RecordTailOffset = PageSize - RecordLength;

        /// <summary>The largest working set the engine believes (4 GiB): anything larger is a garbled header.</summary>
        internal const uint MaxPageCount = 1u << 20;

        /// <summary>Same mixing function as the guest's record_checksum().</summary>
        public static uint RecordChecksum(uint pageIndex, ulong pass)
        {
            uint h = Mix(0x811C9DC5u, RecordMagic);
            h = Mix(h, pageIndex);
            h = Mix(h, (uint)pass);
            return Mix(h, (uint)(pass >> 32));
        }

        private static uint Mix(uint h, uint v)
        {
            unchecked
            {
                h ^= v;
                h *= 0x9E3779B1u;
                h ^= h >> 15;
                return h;
            }
        }

        internal static uint ReadUInt32(byte[] b, int offset) =>
            (uint)(b[offset] | b[offset + 1] << 8 | b[offset + 2] << 16 | b[offset + 3] << 24);

        internal static ulong ReadUInt64(byte[] b, int offset) =>
            ReadUInt32(b, offset) | (ulong)ReadUInt32(b, offset + 4) << 32;
    }
}
