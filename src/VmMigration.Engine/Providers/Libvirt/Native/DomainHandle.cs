using System;
using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virDomainPtr we own a reference to.</summary>
    internal sealed class DomainHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public DomainHandle() : base(ownsHandle: true) { }

        /// <summary>Takes ownership of a pointer from an array libvirt handed us (virConnectListAllDomains).</summary>
        public DomainHandle(IntPtr ownedPointer) : base(ownsHandle: true) => SetHandle(ownedPointer);

        protected override bool ReleaseHandle() => LibvirtNative.virDomainFree(handle) >= 0;
    }
}
