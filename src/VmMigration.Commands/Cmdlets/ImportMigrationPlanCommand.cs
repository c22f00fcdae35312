using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Reads a plan written by Export-MigrationPlan; a malformed file names the field or line at fault.</summary>
    [Cmdlet(VerbsData.Import, "MigrationPlan")]
    [OutputType(typeof(MigrationPlan))]
    public sealed class ImportMigrationPlanCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
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
