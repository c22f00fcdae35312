using System.IO;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>Writes the connected hosts and their VMs as a JSON snapshot, so a plan can be made and reviewed offline.</summary>
    [Cmdlet(VerbsData.Export, "MigrationInventory", SupportsShouldProcess = true, DefaultParameterSetName = FileSystemPath.PathSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMigrationInventoryCommand : VmMigrationCmdlet
    {
        /// <summary>The file to write; its folder must exist.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSystemPath.PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The file to write, taken as written: [ and ] are part of the name, not wildcards.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSystemPath.LiteralPathSet)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; } = "";

        protected override void ProcessRecord()
        {
            var path = ResolvePathOrLiteralPath(Path, LiteralPath);
            if (WarnIfNoHostConnected($"there is no inventory to export and nothing was written to '{path}'", "Run Connect-MigrationHost first."))
            {
                return;
            }
            if (!ShouldProcess(path, "Write the inventory snapshot"))
            {
                return;
            }
            try
            {
                var inventory = LiveInventory.Capture(Inventory, Registry.Hosts, includeStopped: false, CancellationToken, out var failures);
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
