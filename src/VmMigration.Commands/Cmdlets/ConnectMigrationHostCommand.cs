using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Commands
{
    /// <summary>Opens connections to hypervisor hosts for this session, in parallel, each within -TimeoutSec.</summary>
    [Cmdlet(VerbsCommunications.Connect, "MigrationHost")]
    [OutputType(typeof(MigrationHost))]
    public sealed class ConnectMigrationHostCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Uri { get; set; } = Array.Empty<string>();

        /// <summary>The name the session uses for the host; by default the host's own name. Only with one -Uri.</summary>
        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = 10;

        /// <summary>
        /// The host's IP addresses for migration streams (its migration networks). Moves to it go to the first by default;
        /// -MigrationNetwork picks the one in a network. Only with one -Uri.
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? MigrationAddress { get; set; }

        protected override void ProcessRecord()
        {
            if (Name != null && Uri.Length > 1)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "-Name names one host; it cannot be used with several -Uri values. Connect them one by one, or leave -Name out."));
            }
            if (MigrationAddress != null && Uri.Length > 1)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "-MigrationAddress gives one host's addresses; it cannot be used with several -Uri values. Connect them one by one."));
            }
            var addresses = MigrationAddress?.Select(a => a.Trim()).ToArray();
            var notAnAddress = addresses?.FirstOrDefault(a => !System.Net.IPAddress.TryParse(a.Trim('[', ']'), out _));
            if (notAnAddress != null)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"-MigrationAddress '{notAnAddress}' is not an IP address: give the host's addresses on its migration networks, such as 10.20.0.12, without scheme or port.", notAnAddress));
            }
            // From here on only HostUris: they read as their display form, so nothing written below can show a password.
            var uris = Uri.Select(uri => new HostUri(uri)).ToArray();
            foreach (var uri in uris)
            {
                // A URI no provider can open is a bad invocation, refused before any host is connected.
                try
                {
                    Registry.Providers.For(uri);
                }
                catch (MigrationException error)
                {
                    ThrowMigrationError(error, uri.Display);
                }
            }
            foreach (var warning in uris.Select(uri => uri.InsecureTransportWarning).OfType<string>())
            {
                WriteWarning(warning);
            }

            var credential = Credential == null ? null : new HostCredential(Credential.UserName, Credential.GetNetworkCredential().Password);
            foreach (var uri in uris)
            {
                WriteVerbose($"Connecting to {uri}{(credential == null ? "" : $" as '{credential.UserName}'")} within {TimeoutSec} s.");
            }
            var outcomes = new (MigrationHost? Host, MigrationException? Error)[uris.Length];
            Parallel.For(0, uris.Length, i =>
            {
                try
                {
                    var connected = Registry.Connect(uris[i], Name, credential, TimeSpan.FromSeconds(TimeoutSec), null, CancellationToken, addresses);
                    outcomes[i] = (Inventory.DescribeHosts(new[] { connected }, CancellationToken).Single(), null);
                }
                catch (MigrationException error)
                {
                    outcomes[i] = (null, error);
                }
            });

            for (var i = 0; i < uris.Length; i++)
            {
                if (outcomes[i].Error != null)
                {
                    WriteMigrationError(outcomes[i].Error!, uris[i].Display);
                }
                else
                {
                    WriteObject(outcomes[i].Host);
                }
            }
        }
    }
}
