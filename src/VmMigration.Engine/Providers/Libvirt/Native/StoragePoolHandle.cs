using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virStoragePoolPtr we own a reference to.</summary>
    internal sealed class StoragePoolHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public StoragePoolHandle() : base(ownsHandle: true) { }

        protected override bool ReleaseHandle() => LibvirtNative.virStoragePoolFree(handle) >= 0;
    }
}
