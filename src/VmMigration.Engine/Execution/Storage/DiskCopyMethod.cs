namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// How a disk's data reaches its target volume, and so whether a disk with a backing chain can go there. A live mirror
    /// (QEMU's block copy, on one host or to another with Move-VMLive -CopyStorage) and the host's own volume copy write
    /// what the guest sees, flattening the chain into the new volume. A byte stream to another host (CrossHostVolumeCopy)
    /// reproduces the qcow2 file as it is, still naming its backing file, and a linked clone's overlay reads through to
    /// the source disk: both need the source's backing files on the target host.
    /// </summary>
    public sealed class DiskCopyMethod
    {
        /// <summary>QEMU mirrors the running guest's disk into the target volume.</summary>
        public static readonly DiskCopyMethod LiveMirror = new DiskCopyMethod(nameof(LiveMirror), flattensBackingChain: true);

        /// <summary>The host copies a shut-off disk's volume into another of its pools (libvirt's volume clone).</summary>
        public static readonly DiskCopyMethod HostCopy = new DiskCopyMethod(nameof(HostCopy), flattensBackingChain: true);

        /// <summary>The volume's bytes are streamed to another host (CrossHostVolumeCopy).</summary>
        public static readonly DiskCopyMethod ByteStream = new DiskCopyMethod(nameof(ByteStream), flattensBackingChain: false);

        /// <summary>A new qcow2 overlay that reads through to the source disk (a linked clone).</summary>
        public static readonly DiskCopyMethod LinkedOverlay = new DiskCopyMethod(nameof(LinkedOverlay), flattensBackingChain: false);

        private DiskCopyMethod(string name, bool flattensBackingChain)
        {
            Name = name;
            FlattensBackingChain = flattensBackingChain;
        }

        public string Name { get; }

        /// <summary>The target volume stands alone whatever chain the source has; when false, the target host needs the source's backing files.</summary>
        public bool FlattensBackingChain { get; }

        public override string ToString() => Name;
    }
}
