namespace VmMigration.Errors
{
    /// <summary>The error ids of Copy-VMClone, and the pool, space and linked-clone checks storage moves share with it: part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        /// <summary>A VM with the clone's name already exists on a connected host.</summary>
        public const string CloneNameExists = "CloneNameExists";

        /// <summary>The target storage pool has less free space than the copy needs.</summary>
        public const string InsufficientStorage = "InsufficientStorage";

        /// <summary>The named (or the source disk's) storage pool does not exist on the target host.</summary>
        public const string StoragePoolNotFound = "StoragePoolNotFound";

        /// <summary>A linked clone needs its parent's disk on the same host; another host cannot read it.</summary>
        public const string LinkedCloneAcrossHosts = "LinkedCloneAcrossHosts";

        /// <summary>The VM is the parent of linked clones: removing, moving or writing it is refused.</summary>
        public const string ParentProtected = "ParentProtected";

        /// <summary>A source disk is not a volume of any storage pool, so libvirt's storage API cannot copy it.</summary>
        public const string DiskNotInStoragePool = "DiskNotInStoragePool";

        /// <summary>A full clone to another host of a disk with a backing chain (the backing file would not be there).</summary>
        public const string BackingChainAcrossHosts = "BackingChainAcrossHosts";
    }
}
