using System;
using System.Collections.Generic;

namespace VmMigration
{
    /// <summary>What happened to one VM in one move: where it runs now, how long it took, and why it failed if it did.</summary>
    public sealed class MigrationResult
    {
        public string VMName { get; set; } = "";
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public MigrationStatus Status { get; set; }
        public MigrationStrategy Strategy { get; set; }
        /// <summary>The last phase reached; for a failure, the phase it failed in.</summary>
        public MigrationPhase Phase { get; set; }
        /// <summary>The host the VM runs on after this move (the source when it failed or was aborted).</summary>
        public string RunningOn { get; set; } = "";
        public DateTime StartTime { get; set; }
        public DateTime EndTime { get; set; }
        public long DurationMs { get; set; }
        public long? DowntimeMs { get; set; }
        public long TransferredBytes { get; set; }
        public int Iterations { get; set; }
        public double? DirtyRateMBps { get; set; }
        public long? PredictedDowntimeMs { get; set; }
        /// <summary>What the convergence model predicted before the move started (runs of the evacuation governor: evacuation, maintenance, balancing); empty for a single Move-VMLive.</summary>
        public MigrationPrediction? Prediction { get; set; }
        public int MaxThrottlePercent { get; set; }
        public IList<MigrationEscalation> Escalations { get; set; } = new List<MigrationEscalation>();
        /// <summary>The disks a storage move copied (-DestinationStoragePool, -CopyStorage); empty for a memory-only move.</summary>
        public IList<DiskMove> Disks { get; set; } = new List<DiskMove>();
        /// <summary>A storage move's longest I/O pause when a disk switched onto its copy; the guest's CPUs never stop for it.</summary>
        public long? SwitchPauseMs { get; set; }
        /// <summary>Whether the VM's memory (and disks) crossed the network over TLS; null when no migration was started.</summary>
        public bool? Encrypted { get; set; }
        /// <summary>What the user must hear although the move went on (it went in the clear when TLS was expected); the cmdlets write it as a warning too.</summary>
        public string? Warning { get; set; }
        public string? ErrorId { get; set; }
        public string? Message { get; set; }

        public override string ToString() => $"{VMName}: {Status}";
    }

    /// <summary>One step the convergence controller took while a migration ran.</summary>
    public sealed class MigrationEscalation
    {
        public long AtMs { get; set; }
        public string Action { get; set; } = "";
        public string Detail { get; set; } = "";
        public override string ToString() => $"{AtMs} ms {Action} {Detail}";
    }

    public enum MigrationStatus
    {
        Succeeded,
        Failed,
        Aborted,
        Skipped,
    }

    public enum MigrationStrategy
    {
        Auto,
        PreCopy,
        AutoConverge,
        PostCopy,
    }

    /// <summary>Phases of a live migration, in order; a failure reports the phase it happened in.</summary>
    public enum MigrationPhase
    {
        Prepare,
        PreCopy,
        Switchover,
        Confirm,
        Completed,
    }
}
