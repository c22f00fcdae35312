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
        public int Moved { get; set; }
        public int Failed { get; set; }
        public int Skipped { get; set; }
        public int NotStarted { get; set; }
        public long TransferredBytes { get; set; }
        public double PredictedDurationSec { get; set; }
        /// <summary>Whether the host is left in maintenance (it is, unless nothing could be done).</summary>
        public bool InMaintenance { get; set; }
        public string JournalPath { get; set; } = "";
        public override string ToString() => $"{Host}: {Moved} moved, {Failed} failed, {Skipped} skipped, {NotStarted} not started in {DurationSec:0.#} s";
    }
}
