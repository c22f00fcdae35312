namespace VmMigration
{
    /// <summary>
    /// What Measure-MigrationVM sampled of one running VM, and what the convergence model predicts for a live move of it to one
    /// destination: the figures the planner's cost-benefit and the live-migration controller reason with.
    /// </summary>
    public sealed class MigrationMeasurement
    {
        public string VMName { get; set; } = "";
        public string HostName { get; set; } = "";
        public string Destination { get; set; } = "";
        public long MemoryMB { get; set; }
        public int VCpuCount { get; set; }
        /// <summary>Percent of the VM's vCPUs over the sample window; empty when its CPU time could not be read twice.</summary>
        public double? CpuUsagePercent { get; set; }
        /// <summary>MB of memory the guest dirtied per second over the window; empty when the host cannot measure it.</summary>
        public double? DirtyRateMBps { get; set; }
        /// <summary>The dirty rate the prediction used: the measured one, or the planner's assumption when none was measured.</summary>
        public double PredictedWithDirtyRateMBps { get; set; }
        public double SampleSec { get; set; }
        public double BandwidthMBps { get; set; }
        public double MaxDowntimeMs { get; set; }
        /// <summary>The destination's free memory as it answered; empty when it did not answer.</summary>
        public long? DestinationFreeMemoryMB { get; set; }
        /// <summary>Whether the VM's memory fits in the destination's free memory; empty when the destination did not answer.</summary>
        public bool? Fits { get; set; }
        public bool Converges { get; set; }
        public int PredictedRounds { get; set; }
        public double PredictedDurationSec { get; set; }
        public double PredictedDowntimeMs { get; set; }
        public double PredictedTransferredMB { get; set; }
        public override string ToString() => $"{VMName} -> {Destination}: {PredictedDurationSec:0.#} s, {PredictedDowntimeMs:0} ms down";
    }
}
