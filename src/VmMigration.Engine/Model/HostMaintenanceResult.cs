using System;
using System.Collections.Generic;

namespace VmMigration
{
    /// <summary>What became of one host in a rolling maintenance, written as soon as the host is finished.</summary>
    public sealed class HostMaintenanceResult
    {
        public string HostName { get; set; } = "";
        public HostMaintenanceStatus Status { get; set; }
        /// <summary>The last phase reached; for a failure, the phase it failed in.</summary>
        public MaintenancePhase Phase { get; set; }
        /// <summary>VMs the drain moved off the host.</summary>
        public int VMsMoved { get; set; }
        /// <summary>VMs moved back onto it after its maintenance (-Failback Original).</summary>
        public int VMsFailedBack { get; set; }
        /// <summary>
        /// What the host's scripts wrote (pre-script, script, health check, post-script, in that order), as they wrote it;
        /// as text for scripts that finished before the run was resumed.
        /// </summary>
        public object[] ScriptOutput { get; set; } = Array.Empty<object>();
        /// <summary>The errors the host's scripts wrote or threw, each after the name of its script.</summary>
        public string[] ScriptErrors { get; set; } = Array.Empty<string>();
        public string? ErrorId { get; set; }
        public string? Message { get; set; }
        public DateTime StartTime { get; set; }
        public DateTime EndTime { get; set; }
        public double DurationSec { get; set; }
        /// <summary>What the host's moves sent (the drain's and the failback's).</summary>
        public long TransferredBytes { get; set; }
        /// <summary>True when the host is left in maintenance: it failed before its health check passed (or the run stopped on it).</summary>
        public bool InMaintenance { get; set; }
        /// <summary>Every move made for this host in this run of the command: the drain's, then the failback's.</summary>
        public IList<MigrationResult> Moves { get; set; } = new List<MigrationResult>();

        public override string ToString() => ErrorId == null ? $"{HostName}: {Status}" : $"{HostName}: {Status} ({ErrorId})";
    }

    public enum HostMaintenanceStatus
    {
        Succeeded,
        Failed,
        /// <summary>Left out by -SkipHost or declined at the confirmation prompt.</summary>
        Skipped,
        /// <summary>Not started: the run stopped first (-MaxFailedHosts, the deadline, a stop request).</summary>
        NotStarted,
    }

    /// <summary>The phases of one host's turn, in order; a failure reports the phase it happened in.</summary>
    public enum MaintenancePhase
    {
        /// <summary>Not started.</summary>
        None,
        PreScript,
        Draining,
        Script,
        WaitingForHost,
        HealthCheck,
        Failback,
        PostScript,
        Completed,
    }
}
