namespace VmMigration.Execution.Storage
{
    /// <summary>What becomes of the source disks once their copies exist, and so whether other VMs using them matter.</summary>
    public enum DiskTransfer
    {
        /// <summary>The VM runs from the copies and its source volumes are removed (storage moves, cold moves): no other VM may use them.</summary>
        Move,

        /// <summary>The source keeps its disks (a clone): the VMs that use them are not affected.</summary>
        Copy,
    }
}
