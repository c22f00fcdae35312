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
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = LabDefaults.Path;

        /// <summary>Stops without asking for confirmation (-WhatIf is still honoured).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcessUnlessForced(Force, Path, "Stop the lab, destroying its guests"))
            {
                return;
            }
            try
            {
                new LabSession(Registry).Stop(Path);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, Path);
            }
        }
    }
}
