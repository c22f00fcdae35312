using System;
using System.Runtime.InteropServices;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// Opens hyperv://host URIs. Experimental: the migration logic (<see cref="HyperVMigration"/>, <see cref="HyperVJob"/>) is
    /// tested by replay only; the CIM session over MMI and the IHostConnection adapter are not finished, so every connect fails
    /// with HypervisorProviderUnavailable saying why. The OS check comes before any MMI type can be loaded.
    /// </summary>
    public sealed class HyperVProvider : IHypervisorProvider
    {
        public const string Description = "Hyper-V, experimental, Windows only: hyperv://host";

        /// <summary>Why hyperv:// URIs cannot be opened on this OS (HypervisorProviders reserves the scheme with it).</summary>
        public const string WhyNotHere = "the Hyper-V provider needs Windows (CIM sessions through Microsoft.Management.Infrastructure cannot be opened on this OS). Run the module on Windows to manage Hyper-V hosts";

        public static bool CanRunHere => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public string Name => "hyperv";

        public IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var display = HostUri.Redact(uri);
            if (!CanRunHere)
            {
                throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotImplemented, $"Cannot connect '{display}': {WhyNotHere}.", display);
            }
            throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotImplemented,
                $"Cannot connect '{display}': the Hyper-V provider is experimental and its CIM connection is not finished yet (issue 16).", display);
        }
    }
}
