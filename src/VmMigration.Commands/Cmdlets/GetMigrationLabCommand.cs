using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>Shows the lab at a path: its hosts, their processes and state, and whether guests run under KVM or TCG.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationLab")]
    [OutputType(typeof(LabInfo))]
    public sealed class GetMigrationLabCommand : VmMigrationCmdlet
    {
        /// <summary>The lab's directory; a relative path is relative to the current PowerShell location.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = LabDefaults.Path;

        protected override void ProcessRecord()
        {
            var path = ResolveLiteralPath(Path);
            LabInfo? info;
            try
            {
                info = new LabSession(Registry).Get(path);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
                return;
            }
            if (info != null)
            {
                WriteObject(info);
            }
        }
    }
}
