namespace VmMigration.Lab
{
    /// <summary>What a lab guest should be: its size and how hard it dirties its memory.</summary>
    public sealed class LabGuestSpec
    {
        public string Name { get; set; } = "";
        public int MemoryMB { get; set; } = 256;
        public int VCpuCount { get; set; } = 1;

        /// <summary>Capped to leave room below the guest's memory (see <see cref="LabGuestDomainXml.EffectiveWorkingSetMB"/>).</summary>
        public int WorkingSetMB { get; set; } = 64;

        /// <summary>MiB rewritten per second in Paced mode; 0 writes the pattern once. Ignored by TouchAll.</summary>
        public int DirtyRateMBps { get; set; }

        public LabGuestMode Mode { get; set; } = LabGuestMode.Paced;

        /// <summary>A qcow2 file attached as virtio disk vda (the guest never touches it); none when null.</summary>
        public string? DiskPath { get; set; }
    }
}
