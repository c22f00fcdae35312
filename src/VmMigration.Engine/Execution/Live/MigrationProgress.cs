namespace VmMigration.Execution.Live
{
    /// <summary>One progress report of a running migration.</summary>
    public sealed class MigrationProgress
    {
        public string VMName { get; set; } = "";
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public MigrationPhase Phase { get; set; }
        /// <summary>For a storage move: the disk (target device) this report is about; null for the VM as a whole.</summary>
        public string? Disk { get; set; }
        /// <summary>A shut-off VM moved cold: only its disks travel (TransferredBytes of them so far, RemainingBytes left).</summary>
        public bool Cold { get; set; }
        public int PercentComplete { get; set; }
        public long RemainingBytes { get; set; }
        public long TransferredBytes { get; set; }
        public long TransferRateBytesPerSec { get; set; }
        public long DirtyRateBytesPerSec { get; set; }
        public int Iteration { get; set; }
        public long ElapsedMs { get; set; }
        /// <summary>Null while the rate is not yet known.</summary>
        public long? PredictedRemainingMs { get; set; }
        public long? PredictedDowntimeMs { get; set; }
        public int ThrottlePercent { get; set; }
        /// <summary>True on the last report of a migration.</summary>
        public bool Completed { get; set; }
    }
}
