using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>
    /// Does to a lab host what a reboot does: every guest still running there dies, its libvirtd stops, and after
    /// -DownSec it starts again with the same identity and its persistent definitions, shut off. For testing runbooks.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Restart, "MigrationLabHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RestartMigrationLabHostCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference HostName { get; set; } = null!;

        /// <summary>How long the host stays down before its libvirtd starts again.</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int DownSec { get; set; } = 5;

        /// <summary>Returns only when the host serves again; without it, the command returns once the host is down, as a reboot command does.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        protected override void ProcessRecord()
        {
            var host = ResolveDestination(HostName);
            if (!ShouldProcess($"lab host '{host.Name}'", $"Restart, down for {DownSec} s; guests still running there are lost"))
            {
                return;
            }
            try
            {
                var restart = new LabSession(Registry).Restart(host, TimeSpan.FromSeconds(DownSec));
                if (restart.LostGuests.Count > 0)
                {
                    WriteWarning($"Lab host '{restart.HostName}' went down with {restart.LostGuests.Count} running VM(s), now shut off: {string.Join(", ", restart.LostGuests)}.");
                }
                WriteVerbose($"Lab host '{restart.HostName}' is down; it starts again in {DownSec} s.");
                if (Wait)
                {
                    WaitForReturn(restart);
                }
            }
            catch (MigrationException error)
            {
                WriteMigrationError(error, host.Name);
            }
        }

        private void WaitForReturn(LabHostRestart restart)
        {
            try
            {
                restart.Back.Wait(CancellationToken);
            }
            catch (AggregateException failed) when (failed.InnerException is MigrationException error)
            {
                throw error;
            }
            catch (AggregateException failed) when (failed.InnerException is OperationCanceledException)
            {
                throw new MigrationException(ErrorIds.LabNotRunning, ErrorKind.ObjectNotFound,
                    $"Lab host '{restart.HostName}' did not come back: its lab was stopped while it was down.", restart.HostName);
            }
            catch (AggregateException failed)
            {
                throw new MigrationException(ErrorIds.LabStartFailed, ErrorKind.ResourceUnavailable,
                    $"Lab host '{restart.HostName}' did not come back: {failed.InnerException?.Message}. Start-MigrationLab starts it again.", restart.HostName, failed.InnerException);
            }
        }
    }
}
