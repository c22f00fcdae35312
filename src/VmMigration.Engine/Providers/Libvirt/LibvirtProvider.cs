using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Hosts reached through libvirt's C API (libvirt.so.0): qemu:///system, qemu+ssh://, qemu+tcp://, qemu+tls://, qemu+unix://.</summary>
    public sealed class LibvirtProvider : IHypervisorProvider
    {
        public string Name => "Libvirt";

        public IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            // libvirt would pick a default URI from the environment; a silent guess at which host is meant is worse than asking.
            if (string.IsNullOrWhiteSpace(uri))
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "A libvirt connection URI is required, for example qemu:///system or qemu+ssh://user@host/system.");
            cancellationToken.ThrowIfCancellationRequested();

            LibvirtLibrary.EnsureInitialized();
            LibvirtEventLoop.EnsureRunning();
            var handle = LibvirtConnectionOpener.Open(uri, credential, timeout, cancellationToken);
            try
            {
                // Each live migration opens a connection of its own the same way (see LibvirtHostConnection.MigrateLive).
                return new LibvirtHostConnection(uri, handle, () => LibvirtConnectionOpener.Open(uri, credential, timeout, CancellationToken.None));
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }
}
