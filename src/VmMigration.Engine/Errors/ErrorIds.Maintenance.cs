namespace VmMigration.Errors
{
    /// <summary>The error ids of Invoke-RollingMaintenance: part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        /// <summary>Before anything moved: some host of the run cannot be drained in its turn; the message lists every blocker of every host.</summary>
        public const string RollingMaintenanceInfeasible = "RollingMaintenanceInfeasible";

        /// <summary>A run over these hosts is unfinished (its journal has not ended): continue it with -Resume, or give another -JournalPath.</summary>
        public const string RollingMaintenanceInProgress = "RollingMaintenanceInProgress";

        /// <summary>A host's script (pre-script, script or post-script) threw, wrote a terminating error or exited non-zero.</summary>
        public const string MaintenanceScriptFailed = "MaintenanceScriptFailed";

        /// <summary>Just before its script, the host still ran a VM (the drain left it there, or it was started since): the script is not run.</summary>
        public const string HostStillHasRunningVMs = "HostStillHasRunningVMs";

        /// <summary>After its script, the host did not answer again within -HostReturnTimeoutSec.</summary>
        public const string HostDidNotReturn = "HostDidNotReturn";

        /// <summary>After its script, the host answered but failed its health check (the default one or the user's).</summary>
        public const string HostHealthCheckFailed = "HostHealthCheckFailed";

        /// <summary>A VM the drain moved away could not be moved back (-Failback Original); it runs where it was moved.</summary>
        public const string FailbackFailed = "FailbackFailed";

        /// <summary>A host not started because more hosts than -MaxFailedHosts had failed.</summary>
        public const string MaxFailedHostsReached = "MaxFailedHostsReached";

        /// <summary>The run was stopped (Ctrl+C, Stop-Job): the host in hand stopped in its phase, the rest were not started; -Resume goes on.</summary>
        public const string MaintenanceStopped = "MaintenanceStopped";
    }
}
