namespace VmMigration.Providers
{
    /// <summary>
    /// A storage volume to create, for each way a disk is made: new and empty (or a host-side copy of another volume), the
    /// receiving end of a stream from another host, or an overlay of another file. A provider turns it into its own request.
    /// </summary>
    public sealed class StorageVolumeSpec
    {
        private StorageVolumeSpec(string name, long capacityBytes, long? allocationBytes, string format, string? backingPath, string? backingFormat)
        {
            Name = name;
            CapacityBytes = capacityBytes;
            AllocationBytes = allocationBytes;
            Format = format;
            BackingPath = backingPath;
            BackingFormat = backingFormat;
        }

        public string Name { get; }

        /// <summary>The size the guest sees (for a stream target, the length of the file it receives).</summary>
        public long CapacityBytes { get; }

        /// <summary>Bytes to allocate up front; 0 for a fully sparse file, null for the pool's own choice.</summary>
        public long? AllocationBytes { get; }

        /// <summary>"qcow2", "raw", ...</summary>
        public string Format { get; }

        /// <summary>The file an overlay's unwritten clusters read from; null for a volume that stands alone.</summary>
        public string? BackingPath { get; }

        public string? BackingFormat { get; }

        /// <summary>A volume of that format and size: new and empty, or (given to CloneStorageVolume) a copy of another.</summary>
        public static StorageVolumeSpec CopyOf(string name, string format, long capacityBytes) =>
            new StorageVolumeSpec(name, capacityBytes, null, format, null, null);

        /// <summary>
        /// The receiving end of a stream from another host: a raw, fully sparse file as long as the source's file, so the
        /// stream's holes read as zeros and its bytes land where they were (the file then holds the source's format as is).
        /// </summary>
        public static StorageVolumeSpec StreamTarget(string name, long fileLengthBytes) =>
            new StorageVolumeSpec(name, fileLengthBytes, 0, "raw", null, null);

        /// <summary>A qcow2 overlay whose unwritten clusters read from <paramref name="backingPath"/>.</summary>
        public static StorageVolumeSpec Overlay(string name, long capacityBytes, string backingPath, string backingFormat) =>
            new StorageVolumeSpec(name, capacityBytes, 0, "qcow2", backingPath, backingFormat);
    }
}
