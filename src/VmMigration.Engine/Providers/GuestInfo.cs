namespace VmMigration.Providers
{
    /// <summary>What a host says about one of its guests.</summary>
    public sealed class GuestInfo
    {
        public string Name { get; set; } = "";
        public string Uuid { get; set; } = "";
        public VMState State { get; set; }
        public long MemoryMB { get; set; }
        public int VCpuCount { get; set; }
        public bool Persistent { get; set; }
        /// <summary>The parent of a linked clone (from the clone's lineage metadata); null for any other guest.</summary>
        public string? ParentName { get; set; }
        public string? ParentUuid { get; set; }
        public bool IsLinkedClone => ParentUuid != null;
        /// <summary>CPU time the guest has used since it started, in nanoseconds (two readings give its CPU use).</summary>
        public long CpuTimeNs { get; set; }
        public bool Active => IsActive(State);

        /// <summary>Running, paused or blocked: a VM in such a state is live-migrated; any other is stopped and moves cold.</summary>
        public static bool IsActive(VMState state) => state == VMState.Running || state == VMState.Paused || state == VMState.Blocked;
    }
}
