using System;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// Process-wide libvirt set-up: load the library, initialize it, keep its errors off stderr. Runs once, before any other
    /// libvirt call: without virInitialize even virTypedParamsAdd* crashes (its per-thread error slot does not exist yet).
    /// </summary>
    internal static class LibvirtLibrary
    {
        private static readonly object Gate = new object();
        private static bool initialized;

        // libvirt keeps the pointer: the delegate must live as long as the process.
        private static readonly LibvirtNative.ErrorCallback SilentErrorHandler = (_, __) => { };

        /// <summary>Throws LibvirtNotInstalled when libvirt.so.0 cannot be loaded.</summary>
        public static void EnsureInitialized()
        {
            lock (Gate)
            {
                if (initialized) return;
                try
                {
                    if (LibvirtNative.virInitialize() < 0)
                        throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.NotSpecified, "libvirt failed to initialize (virInitialize returned an error).");
                    // Without a handler libvirt prints every error to stderr, which would pollute the PowerShell host.
                    LibvirtNative.virSetErrorFunc(IntPtr.Zero, SilentErrorHandler);
                }
                catch (DllNotFoundException e)
                {
                    throw NotInstalled(e);
                }
                catch (EntryPointNotFoundException e)
                {
                    throw NotInstalled(e);
                }
                initialized = true;
            }
        }

        internal static MigrationException NotInstalled(Exception cause) => new MigrationException(
            ErrorIds.LibvirtNotInstalled, ErrorKind.NotInstalled,
            $"The libvirt client library ({LibvirtNative.Library}) could not be loaded: {cause.Message} " +
            "Install it (Debian/Ubuntu: apt-get install libvirt0; Fedora/RHEL: dnf install libvirt-libs) and try again.",
            LibvirtNative.Library, cause);
    }
}
