using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virConnectPtr; closing it drops our reference (libvirt closes the socket when the last one goes).</summary>
    internal sealed class ConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public ConnectionHandle() : base(ownsHandle: true) { }

        protected override bool ReleaseHandle() => LibvirtNative.virConnectClose(handle) >= 0;
    }
}
