using System;
using System.Runtime.InteropServices;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>What libvirt reported for a failed call: its virErrorNumber, virErrorDomain and message.</summary>
    internal sealed class LibvirtError
    {
        public LibvirtError(int code, int domain, string message)
        {
            Code = code;
            Domain = domain;
            Message = message;
        }

        public int Code { get; }
        public int Domain { get; }
        public string Message { get; }

        /// <summary>
        /// The error the last libvirt call on THIS thread left behind. libvirt keeps errors per thread, so this must run
        /// on the thread that made the failing call, before any other libvirt call on it.
        /// </summary>
        public static LibvirtError CaptureLast()
        {
            var saved = LibvirtNative.virSaveLastError();
            if (saved == IntPtr.Zero) return new LibvirtError(0, 0, "libvirt reported a failure but set no error");
            try
            {
                // struct _virError starts with: int code; int domain; char *message;
                int code = Marshal.ReadInt32(saved, 0);
                int domain = Marshal.ReadInt32(saved, 4);
                var message = NativeStrings.Read(Marshal.ReadIntPtr(saved, 8));
                return new LibvirtError(code, domain, string.IsNullOrEmpty(message) ? $"libvirt error code {code}" : message!);
            }
            finally
            {
                LibvirtNative.virFreeError(saved);
                LibvirtNative.virResetLastError();
            }
        }
    }
}
