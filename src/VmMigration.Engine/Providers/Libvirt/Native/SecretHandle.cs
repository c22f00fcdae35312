using System;
using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virSecretPtr we own a reference to (the objects that carry the module's host leases).</summary>
    internal sealed class SecretHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SecretHandle() : base(ownsHandle: true) { }

        /// <summary>Takes ownership of a pointer from an array libvirt handed us (virConnectListAllSecrets).</summary>
        public SecretHandle(IntPtr ownedPointer) : base(ownsHandle: true) => SetHandle(ownedPointer);

        protected override bool ReleaseHandle() => LibvirtNative.virSecretFree(handle) >= 0;
    }
}
