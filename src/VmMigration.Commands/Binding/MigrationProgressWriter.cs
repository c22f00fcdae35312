using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using VmMigration.Execution.Live;
namespace VmMigration.Commands
{
    /// <summary>Turns engine progress into Write-Progress records, at most a few a second, with a Completed record at the end.</summary>
    internal sealed class MigrationProgressWriter : IProgress<MigrationProgress>
    {
        private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(300);
        private readonly PipelinePump pump;
        private readonly int activityId;
        private readonly int parentActivityId;
        private readonly Dictionary<int, Stopwatch> sinceLastByActivity = new Dictionary<int, Stopwatch>();

        public MigrationProgressWriter(PipelinePump pump, int activityId, int parentActivityId = -1)
        {
            this.pump = pump;
            this.activityId = activityId;
            this.parentActivityId = parentActivityId;
        }

        public void Report(MigrationProgress value)
        {
            // Each disk of a storage move has a record of its own, each throttled on its own.
            var id = ActivityId(value, activityId);
            if (sinceLastByActivity.TryGetValue(id, out var sinceLast) && !value.Completed && sinceLast.Elapsed < MinimumInterval)
            {
                return;
            }
            sinceLastByActivity[id] = Stopwatch.StartNew();
            var record = ToRecord(value, activityId, parentActivityId);
            pump.Post(cmdlet => cmdlet.WriteProgress(record));
        }

        /// <summary>The VM's activity id; a disk's is derived from it so that a VM's disks never share a record.</summary>
        private static int ActivityId(MigrationProgress value, int vmActivityId) =>
            value.Disk == null ? vmActivityId : vmActivityId * 100 + 1 + (int)((uint)StringComparer.Ordinal.GetHashCode(value.Disk) % 99);

        public static ProgressRecord ToRecord(MigrationProgress value, int activityId, int parentActivityId)
        {
            var activity = value.Cold ? $"Moving {value.VMName} (shut off) with its disks: {value.Source} -> {value.Destination}"
                : value.Disk == null
                ? (value.Source == value.Destination ? $"Moving the disks of {value.VMName} on {value.Source}" : $"Live-migrating {value.VMName}: {value.Source} -> {value.Destination}")
                : $"Copying disk {value.Disk} of {value.VMName}";
            var record = new ProgressRecord(ActivityId(value, activityId), activity, Describe(value))
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
            if (value.Cold)
            {
                return $"{value.TransferredBytes / 1048576.0:0.#} MiB of disks copied, {value.RemainingBytes / 1048576.0:0.#} MiB left at {value.TransferRateBytesPerSec / 1048576.0:0.#} MiB/s";
            }
            if (value.Disk != null)
            {
                return $"{value.TransferredBytes / 1048576.0:0.#} MiB copied, {value.RemainingBytes / 1048576.0:0.#} MiB left at {value.TransferRateBytesPerSec / 1048576.0:0.#} MiB/s, guest writing {value.DirtyRateBytesPerSec / 1048576.0:0.#} MiB/s";
            }
            var downtime = value.PredictedDowntimeMs.HasValue ? $", predicted downtime {value.PredictedDowntimeMs} ms" : "";
            var throttle = value.ThrottlePercent > 0 ? $", guest throttled {value.ThrottlePercent}%" : "";
            return $"{value.RemainingBytes / 1048576.0:0.#} MiB left at {value.TransferRateBytesPerSec / 1048576.0:0.#} MiB/s, guest dirtying {value.DirtyRateBytesPerSec / 1048576.0:0.#} MiB/s, iteration {value.Iteration}{downtime}{throttle}";
        }
    }
}
