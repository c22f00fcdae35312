using System;
using System.Collections.Generic;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// Decides, from each job-statistics sample, how a live migration escalates so that it finishes within the
    /// user's limits or aborts at the deadline: raise the downtime limit (never past MaxDowntimeMs), let QEMU throttle
    /// the guest (auto-converge), and switch to post-copy only when the user permitted it. Pure logic: no I/O beyond
    /// the learnt switchover overhead it reads when built.
    /// </summary>
    public sealed class ConvergenceController
    {
        /// <summary>Auto starts its downtime limit at this, then raises it to the user's maximum when pre-copy lags.</summary>
        public const long AutoInitialDowntimeMs = 100;
        public const int AutoConvergeInitialPercent = 60;
        public const int AutoConvergeIncrementPercent = 10;
        /// <summary>Pre-copy rounds after which Auto judges whether memory is converging.</summary>
        public const int IterationsBeforeJudging = 3;

        private readonly LiveMigrationRequest request;
        // The user's limit less what this host pair is known to add at the switch beyond QEMU's estimate.
        private readonly long maxDowntimeLimitMs;
        private long currentDowntimeLimitMs;
        private readonly List<long> remainingAtIterationStart = new List<long>();
        private int lastIteration;

        public ConvergenceController(LiveMigrationRequest request)
        {
            this.request = request;
            maxDowntimeLimitMs = SwitchoverOverhead.Shared.LimitFor(request.VM.Host, request.Destination, request.MaxDowntimeMs);
        }

        /// <summary>The downtime limit QEMU has now.</summary>
        public long CurrentDowntimeLimitMs => currentDowntimeLimitMs;

        public bool PostCopyStarted { get; private set; }
        public int MaxThrottlePercent { get; private set; }

        /// <summary>Why Auto chose delta compression at the start; null when it did not.</summary>
        public string? DeltaCompressionReason { get; private set; }

        /// <summary>The migration's starting parameters for the chosen strategy.</summary>
        /// <param name="dirtyRateMBps">the guest's dirty rate measured just before, if it was</param>
        /// <param name="sourceFreeMemoryMB">reads the source host's free memory, which bounds the delta-compression cache (only when deltas are wanted)</param>
        public LiveMigrationParameters InitialParameters(string? migrationUri, double? dirtyRateMBps = null, Func<long?>? sourceFreeMemoryMB = null)
        {
            var parameters = new LiveMigrationParameters
            {
                MigrationUri = migrationUri,
                BandwidthMBps = request.BandwidthMBps,
                CopyStorage = request.CopyStorage,
                ParallelConnections = request.ParallelConnections,
                Compression = DeltaCompression.IsAutomatic(request.Compression) ? "None" : request.Compression.Trim(),
            };
            ChooseDeltaCompression(parameters, dirtyRateMBps, sourceFreeMemoryMB ?? (() => null));
            switch (request.Strategy)
            {
                case MigrationStrategy.PreCopy:
                    currentDowntimeLimitMs = maxDowntimeLimitMs;
                    break;
                case MigrationStrategy.AutoConverge:
                    currentDowntimeLimitMs = maxDowntimeLimitMs;
                    parameters.AutoConverge = true;
                    parameters.AutoConvergeInitialPercent = AutoConvergeInitialPercent;
                    parameters.AutoConvergeIncrementPercent = AutoConvergeIncrementPercent;
                    break;
                case MigrationStrategy.PostCopy:
                    currentDowntimeLimitMs = maxDowntimeLimitMs;
                    parameters.AllowPostCopy = true;
                    break;
                default:
                    currentDowntimeLimitMs = Math.Min(maxDowntimeLimitMs, AutoInitialDowntimeMs);
                    parameters.AutoConverge = true;
                    parameters.AutoConvergeInitialPercent = AutoConvergeInitialPercent;
                    parameters.AutoConvergeIncrementPercent = AutoConvergeIncrementPercent;
                    parameters.AllowPostCopy = request.AllowPostCopy;
                    break;
            }
            parameters.InitialMaxDowntimeMs = currentDowntimeLimitMs;
            return parameters;
        }

        /// <summary>
        /// Delta compression when asked for, or under Auto with -Compression left to it: on a single stream, when the guest
        /// dirties at least half the bandwidth and the source has room for the page cache.
        /// </summary>
        private void ChooseDeltaCompression(LiveMigrationParameters parameters, double? dirtyRateMBps, Func<long?> sourceFreeMemoryMB)
        {
            if (DeltaCompression.IsRequested(request.Compression))
            {
                parameters.Compression = DeltaCompression.Method;
                parameters.DeltaCacheMB = Math.Max(DeltaCompression.CacheMBFor(request.VM.Guest.MemoryMB, sourceFreeMemoryMB()), DeltaCompression.MinCacheMB);
                return;
            }
            var bandwidth = request.TransferBandwidthMBps ?? request.BandwidthMBps;
            if (request.Strategy != MigrationStrategy.Auto || !DeltaCompression.IsAutomatic(request.Compression) || request.ParallelConnections > 1
                || !DeltaCompression.Worthwhile(dirtyRateMBps, bandwidth))
            {
                return;
            }
            var cacheMB = DeltaCompression.CacheMBFor(request.VM.Guest.MemoryMB, sourceFreeMemoryMB());
            if (cacheMB == 0)
            {
                return;
            }
            parameters.Compression = DeltaCompression.Method;
            parameters.DeltaCacheMB = cacheMB;
            var link = bandwidth > 0 ? $"{bandwidth} MiB/s" : $"an uncapped link (taken as {DeltaCompression.UncappedLinkMBps} MiB/s)";
            DeltaCompressionReason = $"guest dirties {dirtyRateMBps!.Value:0.#} MiB/s, {dirtyRateMBps.Value / (bandwidth > 0 ? bandwidth : DeltaCompression.UncappedLinkMBps):0.##}x {link}: re-dirtied pages go as deltas (XBZRLE, {cacheMB} MiB cache)";
        }

        /// <summary>What to do after this sample. Elapsed is measured by the caller from the migration's start.</summary>
        public ControllerDecision Decide(JobProgress sample, long elapsedMs)
        {
            MaxThrottlePercent = Math.Max(MaxThrottlePercent, sample.AutoConvergeThrottlePercent);
            if (sample.MemoryIteration != lastIteration)
            {
                lastIteration = sample.MemoryIteration;
                remainingAtIterationStart.Add(sample.DataRemaining);
            }

            if (PostCopyStarted)
            {
                // After the switch to post-copy the VM runs on the destination; aborting is no longer possible.
                return ControllerDecision.None;
            }

            if (elapsedMs >= (long)request.Timeout.TotalMilliseconds)
            {
                var how = request.Strategy == MigrationStrategy.Auto && !request.AllowPostCopy
                    ? " Permit the post-copy step with -AllowPostCopy, raise -BandwidthMBps or -MaxDowntimeMs, or give more -TimeoutSec."
                    : " Raise -BandwidthMBps, -MaxDowntimeMs or -TimeoutSec, or use -Strategy Auto.";
                return ControllerDecision.Abort(ErrorIds.MigrationNotConverging,
                    $"Pre-copy did not converge within {request.Timeout.TotalSeconds:0} s (iteration {sample.MemoryIteration}, {sample.DataRemaining / 1048576.0:0.#} MiB left, guest dirtying {sample.MemoryDirtyRateBytesPerSec / 1048576.0:0.#} MiB/s). The VM keeps running on its source.{how}");
            }

            if (request.Strategy == MigrationStrategy.PostCopy && sample.MemoryIteration >= 2)
            {
                PostCopyStarted = true;
                return ControllerDecision.SwitchToPostCopy("first pre-copy pass done");
            }

            if (request.Strategy != MigrationStrategy.Auto || sample.MemoryIteration < 2)
            {
                return ControllerDecision.None;
            }

            var predictedDowntime = PredictDowntimeMs(sample);
            if (currentDowntimeLimitMs < maxDowntimeLimitMs && predictedDowntime.HasValue && predictedDowntime.Value > currentDowntimeLimitMs)
            {
                currentDowntimeLimitMs = maxDowntimeLimitMs;
                return ControllerDecision.RaiseDowntime(currentDowntimeLimitMs,
                    $"predicted downtime {predictedDowntime.Value} ms is over the current limit");
            }

            if (request.AllowPostCopy && (IsStuck() || elapsedMs >= request.Timeout.TotalMilliseconds / 2))
            {
                PostCopyStarted = true;
                return ControllerDecision.SwitchToPostCopy(IsStuck()
                    ? $"pre-copy is not converging after {sample.MemoryIteration} iterations"
                    : "half of the time limit is gone");
            }

            return ControllerDecision.None;
        }

        /// <summary>The pause the switch would cost now: what is left to send at the current transfer rate.</summary>
        public static long? PredictDowntimeMs(JobProgress sample)
        {
            if (sample.MemoryBytesPerSec <= 0)
            {
                return null;
            }
            return sample.DataRemaining * 1000 / sample.MemoryBytesPerSec;
        }

        /// <summary>Time to finish if the rates hold: remaining over the net rate at which the backlog shrinks.</summary>
        public static long? PredictRemainingMs(JobProgress sample)
        {
            var net = sample.MemoryBytesPerSec - sample.MemoryDirtyRateBytesPerSec;
            if (sample.MemoryBytesPerSec <= 0 || net <= 0)
            {
                return null;
            }
            return sample.DataRemaining * 1000 / net;
        }

        // Stuck: the data left at the start of each of the last rounds did not shrink by at least a tenth,
        // even with QEMU throttling the guest.
        private bool IsStuck()
        {
            var n = remainingAtIterationStart.Count;
            if (lastIteration < IterationsBeforeJudging || n < IterationsBeforeJudging)
            {
                return false;
            }
            var earlier = remainingAtIterationStart[n - IterationsBeforeJudging];
            var latest = remainingAtIterationStart[n - 1];
            return latest > earlier * 0.9;
        }
    }

    /// <summary>What the controller asks the job to do next.</summary>
    public sealed class ControllerDecision
    {
        private ControllerDecision(ControllerAction action, long value, string? errorId, string detail)
        {
            Action = action;
            Value = value;
            ErrorId = errorId;
            Detail = detail;
        }

        public static ControllerDecision None { get; } = new ControllerDecision(ControllerAction.None, 0, null, "");
        public ControllerAction Action { get; }
        public long Value { get; }
        public string? ErrorId { get; }
        public string Detail { get; }

        public static ControllerDecision RaiseDowntime(long ms, string why) => new ControllerDecision(ControllerAction.RaiseDowntime, ms, null, why);
        public static ControllerDecision SwitchToPostCopy(string why) => new ControllerDecision(ControllerAction.SwitchToPostCopy, 0, null, why);
        /// <summary>Abort the job: the controller decides only in pre-copy, so <paramref name="message"/> says the VM keeps running on its source.</summary>
        public static ControllerDecision Abort(string errorId, string message) => new ControllerDecision(ControllerAction.Abort, 0, errorId, message);
    }

    public enum ControllerAction
    {
        None,
        RaiseDowntime,
        SwitchToPostCopy,
        Abort,
    }
}
