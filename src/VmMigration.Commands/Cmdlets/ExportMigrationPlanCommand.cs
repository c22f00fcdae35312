using System.IO;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Writes a plan as JSON (lossless: Import-MigrationPlan gives the same plan back).</summary>
    [Cmdlet(VerbsData.Export, "MigrationPlan", SupportsShouldProcess = true, DefaultParameterSetName = FileSystemPath.PathSet)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMigrationPlanCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public MigrationPlan Plan { get; set; } = null!;

        /// <summary>The file to write; its folder must exist.</summary>
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = FileSystemPath.PathSet)]
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
            if (!ShouldProcess(path, $"Write the {Plan.Goal} plan ({Plan.Steps.Count} steps)"))
            {
                return;
            }
            try
            {
                PlanJson.Write(path, Plan);
                WriteObject(new FileInfo(path));
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
