using System.IO;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>Writes the connected hosts and their VMs as a JSON snapshot, so a plan can be made and reviewed offline.</summary>
    [Cmdlet(VerbsData.Export, "MigrationInventory", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMigrationInventoryCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!ShouldProcess(path, "Write the inventory snapshot"))
            {
                return;
            }
            try
            {
                var inventory = LiveInventory.Capture(Inventory, Registry.Hosts, CancellationToken, out var failures);
                foreach (var failure in failures)
                {
                    WriteWarning($"Host '{failure.Target}' is in the snapshot as unreachable: {failure.Message}");
                }
                InventoryJson.Write(path, inventory);
                WriteObject(new FileInfo(path));
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
