using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Reads a plan written by Export-MigrationPlan; a malformed file names the field or line at fault.</summary>
    [Cmdlet(VerbsData.Import, "MigrationPlan", DefaultParameterSetName = FileSystemPath.PathSet)]
    [OutputType(typeof(MigrationPlan))]
    public sealed class ImportMigrationPlanCommand : VmMigrationCmdlet
    {
        /// <summary>The plan file to read; wildcards may name it if they match exactly one file.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = FileSystemPath.PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The plan file to read (files from Get-ChildItem bind here by PSPath or FullName), taken as written: [ and ] are part of the name, not wildcards.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = FileSystemPath.LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; } = "";

        protected override void ProcessRecord()
        {
            var path = ResolvePathOrLiteralPath(Path, LiteralPath);
            try
            {
                WriteObject(PlanJson.Read(path));
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
