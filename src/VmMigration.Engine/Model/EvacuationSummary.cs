using System;

namespace VmMigration
{
    /// <summary>The outcome of one host evacuation, written after the per-VM results.</summary>
    public sealed class EvacuationSummary
    {
        public string Host { get; set; } = "";
        public DateTime Start { get; set; }
        public DateTime End { get; set; }
        public double DurationSec { get; set; }
        /// <summary>VMs moved off the host.</summary>
        public int Moved { get; set; }
        /// <summary>VMs of other hosts moved to make room for the host's VMs (make-room steps of the plan).</summary>
        public int MadeRoom { get; set; }
        public int Failed { get; set; }
        /// <summary>VMs with nothing to do: already away, or not running (live migration moves running VMs only).</summary>
        public int Skipped { get; set; }
        /// <summary>VMs that should have moved but were not started: no destination, the deadline, -StopOnError, or a stop.</summary>
        public int NotStarted { get; set; }
        public long TransferredBytes { get; set; }
        public double PredictedDurationSec { get; set; }
        /// <summary>The host stays in maintenance after an evacuation, until Resume-MigrationHost.</summary>
        public bool InMaintenance { get; set; }
        public string JournalPath { get; set; } = "";
        public override string ToString() => $"{Host}: {Moved} moved, {Failed} failed, {Skipped} skipped, {NotStarted} not started in {DurationSec:0.#} s";
    }
}
