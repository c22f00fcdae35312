using System;
using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>Closes the session's connection to hosts. The hosts and their VMs are not touched.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "MigrationHost", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class DisconnectMigrationHostCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference[] Name { get; set; } = Array.Empty<HostReference>();

        protected override void ProcessRecord()
        {
            foreach (var host in Name)
            {
                var connected = Registry.Hosts;
                if (!System.Linq.Enumerable.Any(connected, h => string.Equals(h.Name, host.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    WriteMigrationError(new MigrationException(ErrorIds.HostNotFound, ErrorKind.ObjectNotFound,
                        $"No connected host is named '{host.Name}'; nothing to disconnect.", host.Name));
                    continue;
                }
                if (ShouldProcess(host.Name, "Disconnect"))
                {
                    Registry.Disconnect(host.Name);
                }
            }
        }
    }
}
