using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virStorageVolPtr we own a reference to.</summary>
    internal sealed class StorageVolumeHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public StorageVolumeHandle() : base(ownsHandle: true) { }

        protected override bool ReleaseHandle() => LibvirtNative.virStorageVolFree(handle) >= 0;
    }
}
