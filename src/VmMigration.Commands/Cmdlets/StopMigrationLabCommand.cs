using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>Stops every process the lab started, destroys its guests and removes its state.</summary>
    [Cmdlet(VerbsLifecycle.Stop, "MigrationLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class StopMigrationLabCommand : VmMigrationCmdlet
    {
        /// <summary>The lab's directory; a relative path is relative to the current PowerShell location.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = LabDefaults.Path;

        /// <summary>Stops without asking for confirmation (-WhatIf is still honoured).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var path = ResolveLiteralPath(Path);
            if (!ShouldProcessUnlessForced(Force, path, "Stop the lab, destroying its guests"))
            {
                return;
            }
            try
            {
                new LabSession(Registry).Stop(path);
            }
            catch (MigrationException error) when (error.ErrorId == ErrorIds.LabNotRunning)
            {
                // Nothing to stop is not a broken invocation: a script's cleanup can pass -ErrorAction Ignore.
                WriteMigrationError(error, Path);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
