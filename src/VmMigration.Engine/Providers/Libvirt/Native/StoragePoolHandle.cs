using System;
using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virStoragePoolPtr we own a reference to.</summary>
    internal sealed class StoragePoolHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public StoragePoolHandle() : base(ownsHandle: true) { }

        /// <summary>Takes ownership of a pointer from an array libvirt handed us (virConnectListAllStoragePools).</summary>
        public StoragePoolHandle(IntPtr ownedPointer) : base(ownsHandle: true) => SetHandle(ownedPointer);

        protected override bool ReleaseHandle() => LibvirtNative.virStoragePoolFree(handle) >= 0;
    }
}
