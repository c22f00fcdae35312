using System;
using System.Diagnostics;
using System.Management.Automation;
using VmMigration.Execution;

namespace VmMigration.Commands
{
    /// <summary>Turns engine progress into Write-Progress records, at most a few a second, with a Completed record at the end.</summary>
    internal sealed class MigrationProgressWriter : IProgress<MigrationProgress>
    {
        private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(300);
        private readonly PipelinePump pump;
        private readonly int activityId;
        private readonly int parentActivityId;
        private readonly Stopwatch sinceLast = Stopwatch.StartNew();
        private bool first = true;

        public MigrationProgressWriter(PipelinePump pump, int activityId, int parentActivityId = -1)
        {
            this.pump = pump;
            this.activityId = activityId;
            this.parentActivityId = parentActivityId;
        }

        public void Report(MigrationProgress value)
        {
            if (!value.Completed && !first && sinceLast.Elapsed < MinimumInterval)
            {
                return;
            }
            first = false;
            sinceLast.Restart();
            var record = ToRecord(value, activityId, parentActivityId);
            pump.Post(cmdlet => cmdlet.WriteProgress(record));
        }

        public static ProgressRecord ToRecord(MigrationProgress value, int activityId, int parentActivityId)
        {
            var record = new ProgressRecord(activityId, $"Live-migrating {value.VMName}: {value.Source} -> {value.Destination}", Describe(value))
            {
                ParentActivityId = parentActivityId,
                PercentComplete = Math.Max(0, Math.Min(100, value.PercentComplete)),
                CurrentOperation = value.Phase.ToString(),
                RecordType = value.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (value.PredictedRemainingMs.HasValue)
            {
                record.SecondsRemaining = (int)Math.Min(int.MaxValue, value.PredictedRemainingMs.Value / 1000);
            }
            return record;
        }

        private static string Describe(MigrationProgress value)
        {
            if (value.Completed)
            {
                return $"done, {value.TransferredBytes / 1048576.0:0.#} MiB sent";
            }
            var downtime = value.PredictedDowntimeMs.HasValue ? $", predicted downtime {value.PredictedDowntimeMs} ms" : "";
            var throttle = value.ThrottlePercent > 0 ? $", guest throttled {value.ThrottlePercent}%" : "";
            return $"{value.RemainingBytes / 1048576.0:0.#} MiB left at {value.TransferRateBytesPerSec / 1048576.0:0.#} MiB/s, guest dirtying {value.DirtyRateBytesPerSec / 1048576.0:0.#} MiB/s, iteration {value.Iteration}{downtime}{throttle}";
        }
    }
}
