using System.Collections.Generic;

namespace VmMigration.Lab
{
    /// <summary>
    /// What one read of a lab guest's memory found. The header is read before and after the working set, because the
    /// guest keeps writing while it is read: a page may legitimately hold any pass from <see cref="Pass"/>-1 to <see cref="PassAfter"/>.
    /// </summary>
    public sealed class LabGuestSnapshot
    {
        public bool HeaderFound { get; internal set; }
        public ulong WorkingSetBase { get; internal set; }
        public uint PageCount { get; internal set; }
        public uint RateMBps { get; internal set; }
        public LabGuestMode Mode { get; internal set; }
        public uint TickHz { get; internal set; }

        /// <summary>The pass the guest was writing when the read began.</summary>
        public ulong Pass { get; internal set; }

        /// <summary>The pass the guest was writing when the read ended.</summary>
        public ulong PassAfter { get; internal set; }

        public ulong Heartbeat { get; internal set; }
        public ulong HeartbeatAfter { get; internal set; }

        /// <summary>Page records written since boot, when the read began.</summary>
        public ulong PagesWritten { get; internal set; }

        public int PagesChecked { get; internal set; }

        /// <summary>Pages whose record has a bad magic, index or checksum, or whose two copies disagree.</summary>
        public int CorruptPages { get; internal set; }

        /// <summary>Pages with a valid record whose pass is older than Pass-1 (or newer than PassAfter): lost writes.</summary>
        public int StalePages { get; internal set; }

        /// <summary>Pages that looked torn in the bulk read and were read again (they are counted corrupt only if still bad).</summary>
        public int RereadPages { get; internal set; }

        /// <summary>Up to <see cref="LabGuestMemoryCheck.MaxReportedProblems"/> examples, each naming a page.</summary>
        public IReadOnlyList<string> Problems { get; internal set; } = new List<string>();

        public bool IsIntact => HeaderFound && CorruptPages == 0 && StalePages == 0;
    }
}
