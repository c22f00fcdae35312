using VmMigration.Providers;

namespace VmMigration.Execution.Cold
{
    /// <summary>One disk a cold move carries: the disk in the definition and the source volume behind it.</summary>
    public sealed class ColdMoveDisk
    {
        public ColdMoveDisk(GuestDisk disk, StorageVolumeInfo volume)
        {
            Disk = disk;
            Volume = volume;
        }

        public GuestDisk Disk { get; }
        public StorageVolumeInfo Volume { get; }
        /// <summary>Where its copy will be on the destination (its pool's directory and the same name); null for a pool without a directory.</summary>
        public string? DestinationPath { get; internal set; }
    }
}
