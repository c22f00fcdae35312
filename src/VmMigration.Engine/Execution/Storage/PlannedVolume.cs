using VmMigration.Providers;

namespace VmMigration.Execution.Storage
{
    /// <summary>A target volume a disk would be copied into: the disk and its source volume, the target pool and volume name, and the room it needs there.</summary>
    public sealed class PlannedVolume
    {
        public PlannedVolume(GuestDisk disk, StorageVolumeInfo source, string targetPool, string targetName, long bytesNeeded)
        {
            Disk = disk;
            Source = source;
            TargetPool = targetPool;
            TargetName = targetName;
            BytesNeeded = bytesNeeded;
        }

        public GuestDisk Disk { get; }
        public StorageVolumeInfo Source { get; }
        public string TargetPool { get; }
        public string TargetName { get; }
        /// <summary>Free space the new volume takes in its pool (its data for a copy, a reserve for an empty overlay).</summary>
        public long BytesNeeded { get; }
    }
}
