using System;
using System.Diagnostics;
using VmMigration.Execution.Live;

namespace VmMigration.Execution.Cold
{
    /// <summary>The progress of a cold move's disk copies: bytes copied of the disks' allocation, a few reports a second, then one Completed.</summary>
    internal sealed class ColdMoveProgress
    {
        private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);
        private readonly string vmName;
        private readonly string source;
        private readonly string destination;
        private readonly long totalBytes;
        private readonly Action<MigrationProgress>? report;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan? lastReport;

        public ColdMoveProgress(string vmName, string source, string destination, long totalBytes, Action<MigrationProgress>? report)
        {
            this.vmName = vmName;
            this.source = source;
            this.destination = destination;
            this.totalBytes = totalBytes;
            this.report = report;
        }

        /// <summary>The move has copied <paramref name="copiedBytes"/> of data in all so far.</summary>
        public void Copied(long copiedBytes)
        {
            if (report == null || (lastReport is TimeSpan last && clock.Elapsed - last < MinimumInterval)) return;
            lastReport = clock.Elapsed;
            // Allocation is what the volumes hold; data copied can pass it slightly (metadata), so the total follows it up.
            var total = Math.Max(totalBytes, copiedBytes);
            var rate = clock.ElapsedMilliseconds > 0 ? copiedBytes * 1000 / clock.ElapsedMilliseconds : 0;
            report(Record(copiedBytes, total - copiedBytes, total > 0 ? (int)Math.Min(99, copiedBytes * 100 / total) : 0, rate, false));
        }

        /// <summary>The last report: the move ended (moved or not) after copying <paramref name="copiedBytes"/>.</summary>
        public void Completed(long copiedBytes) => report?.Invoke(Record(copiedBytes, 0, 100, 0, true));

        private MigrationProgress Record(long copied, long remaining, int percent, long rate, bool completed) => new MigrationProgress
        {
            VMName = vmName, Source = source, Destination = destination, Cold = true, Phase = MigrationPhase.PreCopy,
            PercentComplete = percent, TransferredBytes = copied, RemainingBytes = remaining, TransferRateBytesPerSec = rate,
            ElapsedMs = clock.ElapsedMilliseconds, PredictedRemainingMs = rate > 0 ? remaining * 1000 / rate : (long?)null, Completed = completed,
        };
    }
}
