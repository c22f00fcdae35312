using VmMigration.Planning;

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
        /// <summary>The bandwidth a move is predicted at when nothing caps it.</summary>
        public const double UncappedBandwidthMBps = 1000;

        /// <summary>What the convergence model predicts for a live move of <paramref name="memoryMB"/> dirtied at <paramref name="dirtyRateMBps"/>.</summary>
        /// <param name="bandwidthMBps">what the move may use; 0 or less for no cap (<see cref="UncappedBandwidthMBps"/>)</param>
        public static MigrationPrediction Of(long memoryMB, double dirtyRateMBps, double bandwidthMBps, long maxDowntimeMs)
        {
            var bandwidth = bandwidthMBps > 0 ? bandwidthMBps : UncappedBandwidthMBps;
            var prediction = new ConvergenceModel(bandwidth, maxDowntimeMs).Predict(memoryMB, dirtyRateMBps);
            return new MigrationPrediction
            {
                DurationMs = (long)System.Math.Round(prediction.DurationSec * 1000),
                DowntimeMs = (long)System.Math.Ceiling(prediction.DowntimeMs),
                TransferredBytes = (long)(prediction.TransferredMB * 1024 * 1024),
                Converges = prediction.Converges,
                BandwidthMBps = bandwidth,
                DirtyRateMBps = dirtyRateMBps,
            };
        }

        public override string ToString() => $"{DurationMs / 1000.0:0.0} s, {DowntimeMs} ms down at {BandwidthMBps:0} MB/s";
    }
}
