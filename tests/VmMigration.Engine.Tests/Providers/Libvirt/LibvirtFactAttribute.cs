using System;
using System.Runtime.InteropServices;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>
    /// A test that calls into libvirt's client library (libvirt.so.0: its test:///default driver, its typed parameters).
    /// Where the library cannot be loaded (not Linux, or libvirt0 not installed) it is reported as skipped with the reason,
    /// never as a failure of the code under test, and never silently passed.
    /// </summary>
    public sealed class LibvirtFactAttribute : FactAttribute
    {
        public LibvirtFactAttribute()
        {
            if (LibvirtAvailability.Unavailable is string reason) Skip = reason;
        }
    }

    /// <summary>The theory form of <see cref="LibvirtFactAttribute"/>.</summary>
    public sealed class LibvirtTheoryAttribute : TheoryAttribute
    {
        public LibvirtTheoryAttribute()
        {
            if (LibvirtAvailability.Unavailable is string reason) Skip = reason;
        }
    }

    internal static class LibvirtAvailability
    {
        /// <summary>Why libvirt.so.0 cannot be loaded here, or null when it can.</summary>
        public static readonly string? Unavailable = Probe();

        private static string? Probe()
        {
            if (NativeLibrary.TryLoad("libvirt.so.0", out var handle))
            {
                NativeLibrary.Free(handle);
                return null;
            }
            return "libvirt's client library (libvirt.so.0) cannot be loaded on this machine" +
                (OperatingSystem.IsLinux() ? "; install it with: apt-get install libvirt0" : " (it is Linux-only)");
        }
    }
}
