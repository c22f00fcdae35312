using Microsoft.Win32.SafeHandles;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>A virStreamPtr we own; free it only after virStreamFinish or virStreamAbort.</summary>
    internal sealed class StreamHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public StreamHandle() : base(ownsHandle: true) { }

        protected override bool ReleaseHandle() => LibvirtNative.virStreamFree(handle) >= 0;
    }
}
