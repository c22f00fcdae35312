using System.Management.Automation;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>Shows the lab at a path: its hosts, their processes and state, and whether guests run under KVM or TCG.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationLab")]
    [OutputType(typeof(LabInfo))]
    public sealed class GetMigrationLabCommand : VmMigrationCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = LabDefaults.Path;

        protected override void ProcessRecord()
        {
            var info = new LabSession(Registry).Get(Path);
            if (info != null)
            {
                WriteObject(info);
            }
        }
    }
}
