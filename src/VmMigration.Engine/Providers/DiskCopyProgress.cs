namespace VmMigration.Providers
{
    /// <summary>Where a running disk copy (block copy / mirror) stands: bytes copied of the bytes it knows must move.</summary>
    public sealed class DiskCopyProgress
    {
        public long CopiedBytes { get; set; }
        /// <summary>Grows while the guest writes: a copy catches up with the disk, then keeps mirroring every new write.</summary>
        public long TotalBytes { get; set; }
        public long RemainingBytes => TotalBytes > CopiedBytes ? TotalBytes - CopiedBytes : 0;
        /// <summary>Caught up: the copy mirrors every write and the guest can be switched onto it.</summary>
        public bool InSync => TotalBytes > 0 && CopiedBytes >= TotalBytes;
    }
}
