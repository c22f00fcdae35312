namespace VmMigration.Errors
{
    /// <summary>The error ids of storage moves (Move-VMLive -DestinationStoragePool / -CopyStorage): part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        /// <summary>-Disk names a disk the VM does not have (or one that is not a file-backed disk).</summary>
        public const string DiskNotFound = "DiskNotFound";

        /// <summary>Another VM uses the same disk file; moving it would split them or pull it from under the other VM.</summary>
        public const string DiskShared = "DiskShared";

        /// <summary>The destination pool already has a volume with the name the moved disk would get.</summary>
        public const string StorageVolumeExists = "StorageVolumeExists";

        /// <summary>The hypervisor's disk copy failed or vanished before the switch; the VM kept its original disks.</summary>
        public const string DiskCopyFailed = "DiskCopyFailed";

        /// <summary>The disk copy was not in sync by -TimeoutSec; it was cancelled and the VM kept its original disks.</summary>
        public const string StorageMoveTimedOut = "StorageMoveTimedOut";

        /// <summary>A disk of the VM is a pool volume on its host but not on the destination: the move needs -CopyStorage.</summary>
        public const string DiskNotOnDestination = "DiskNotOnDestination";

        /// <summary>The switch onto a copied disk failed; that disk stays on its original file.</summary>
        public const string DiskSwitchFailed = "DiskSwitchFailed";

        /// <summary>A shut-off VM was started while its volumes were copied: it keeps its original disks, the copies are removed.</summary>
        public const string VmStartedDuringMove = "VmStartedDuringMove";
    }
}
