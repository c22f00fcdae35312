namespace VmMigration
{
    /// <summary>
    /// What the convergence model predicted for a move before it started, from the VM's memory, the dirty rate measured
    /// just before and the bandwidth the move was given: kept beside what happened so the prediction's error can be seen.
    /// </summary>
    public sealed class MigrationPrediction
    {
        public long DurationMs { get; set; }
        public long DowntimeMs { get; set; }
        public long TransferredBytes { get; set; }
        public bool Converges { get; set; }
        /// <summary>The bandwidth predicted at: the move's share of the run's budget, or 1000 MB/s when the run had none.</summary>
        public double BandwidthMBps { get; set; }
        public double DirtyRateMBps { get; set; }
        public override string ToString() => $"{DurationMs / 1000.0:0.0} s, {DowntimeMs} ms down at {BandwidthMBps:0} MB/s";
    }
}
