using System.IO;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Writes a plan as JSON (lossless: Import-MigrationPlan gives the same plan back).</summary>
    [Cmdlet(VerbsData.Export, "MigrationPlan", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportMigrationPlanCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public MigrationPlan Plan { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
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
