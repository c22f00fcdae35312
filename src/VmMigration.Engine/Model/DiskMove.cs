namespace VmMigration
{
    /// <summary>One disk of a storage move: where it was, where it is now, and how much was copied.</summary>
    public sealed class DiskMove
    {
        /// <summary>The guest's device name for the disk (vda, sdb, ...).</summary>
        public string Target { get; set; } = "";
        public string OldPath { get; set; } = "";
        public string NewPath { get; set; } = "";
        /// <summary>The storage pool the disk moved into.</summary>
        public string Pool { get; set; } = "";
        public string OldFormat { get; set; } = "";
        public string Format { get; set; } = "";
        public long CapacityBytes { get; set; }
        public long CopiedBytes { get; set; }
        /// <summary>The bytes the old volume held (what a copy moves).</summary>
        public long AllocatedBytes { get; set; }
        /// <summary>True once the VM runs from <see cref="NewPath"/>; until then it runs from <see cref="OldPath"/>.</summary>
        public bool Switched { get; set; }
        /// <summary>How long the switch onto the copy held the disk's I/O, measured around the hypervisor call (an upper bound).</summary>
        public long? SwitchPauseMs { get; set; }

        public override string ToString() => $"{Target}: {OldPath} -> {NewPath}";
    }
}
