using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// Opens hyperv://host URIs (see <see cref="HyperVEndpoint"/>) over WS-Man with Microsoft.Management.Infrastructure.
    /// Experimental: tested by replaying documented CIM exchanges, never against a real Hyper-V host. The OS check comes before
    /// any MMI type can be loaded: MMI is only reached through <see cref="OpenSession"/>, which is never compiled elsewhere.
    /// </summary>
    public sealed class HyperVProvider : IHypervisorProvider
    {
        public const string Description = "Hyper-V, experimental, Windows only: hyperv://host[:port][?auth=kerberos|negotiate|basic&https=true]";

        /// <summary>Why hyperv:// URIs cannot be opened on this OS (HypervisorProviders reserves the scheme with it).</summary>
        public const string WhyNotHere = "the Hyper-V provider needs Windows (CIM sessions through Microsoft.Management.Infrastructure cannot be opened on this OS). Run the module on Windows to manage Hyper-V hosts";

        /// <summary>How often a Hyper-V job (a migration, a compatibility check) is read while it runs.</summary>
        private static readonly TimeSpan JobPollInterval = TimeSpan.FromSeconds(1);

        public static bool CanRunHere => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public string Name => "hyperv";

        public IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var display = HostUri.Redact(uri);
            if (!CanRunHere)
            {
                throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotImplemented, $"Cannot connect '{display}': {WhyNotHere}.", display);
            }
            var endpoint = HyperVEndpoint.Parse(uri);
            endpoint.RequireCredentialFor(uri, credential != null);
            cancellationToken.ThrowIfCancellationRequested();
            return Adapt(display, endpoint, OpenSession(endpoint, credential, display, timeout));
        }

        /// <summary>The connection over an open gateway, once the host has shown it is a Hyper-V host (its migration service); else the gateway is closed.</summary>
        internal static HyperVHostConnection Adapt(string display, HyperVEndpoint endpoint, ICimGateway cim, Action<TimeSpan>? sleep = null)
        {
            try
            {
                HyperVQueries.RequireMigrationService(cim, display);
                return new HyperVHostConnection(display, endpoint, cim, JobPollInterval, sleep);
            }
            catch
            {
                cim.Dispose();
                throw;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ICimGateway OpenSession(HyperVEndpoint endpoint, HostCredential? credential, string display, TimeSpan timeout) =>
            MmiCimGateway.Open(endpoint, credential, display, timeout);
    }
}
