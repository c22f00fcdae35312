using System;

namespace VmMigration.Planning
{
    /// <summary>
    /// Predicts a pre-copy live migration: the first round copies all memory, each next round copies what the guest
    /// dirtied during the previous one, and QEMU switches over once the remainder fits in the downtime limit
    /// (remaining &lt;= bandwidth x downtime limit). The planner uses it for step estimates and the live-migration
    /// controller for deciding when to escalate, so both speak of the same numbers.
    /// </summary>
    public sealed class ConvergenceModel
    {
        public ConvergenceModel(double bandwidthMBps, double maxDowntimeMs = 300, int maxRounds = 30,
            double setupSec = 1.0, double switchoverOverheadMs = 20)
        {
            if (!(bandwidthMBps > 0)) throw new ArgumentOutOfRangeException(nameof(bandwidthMBps), "Bandwidth must be positive.");
            if (!(maxDowntimeMs > 0)) throw new ArgumentOutOfRangeException(nameof(maxDowntimeMs), "The downtime limit must be positive.");
            if (maxRounds < 1) throw new ArgumentOutOfRangeException(nameof(maxRounds), "At least one round is needed.");
            BandwidthMBps = bandwidthMBps;
            MaxDowntimeMs = maxDowntimeMs;
            MaxRounds = maxRounds;
            SetupSec = setupSec;
            SwitchoverOverheadMs = switchoverOverheadMs;
        }

        public double BandwidthMBps { get; }
        public double MaxDowntimeMs { get; }
        /// <summary>Rounds after which a migration that has not converged counts as not converging.</summary>
        public int MaxRounds { get; }
        /// <summary>Connection, prepare and confirm time that does not depend on memory size (the lab measured ~1-2 s).</summary>
        public double SetupSec { get; }
        /// <summary>Pause cost beyond copying the last pages: device state, CPU state, network announce.</summary>
        public double SwitchoverOverheadMs { get; }

        /// <param name="memoryMB">Memory to copy in the first round.</param>
        /// <param name="dirtyRateMBps">Rate the guest dirties memory while it is being copied.</param>
        /// <param name="workingSetMB">Most memory the guest can dirty in one round; defaults to all of it.</param>
        public ConvergencePrediction Predict(double memoryMB, double dirtyRateMBps, double? workingSetMB = null)
        {
            if (memoryMB < 0) throw new ArgumentOutOfRangeException(nameof(memoryMB));
            if (dirtyRateMBps < 0) throw new ArgumentOutOfRangeException(nameof(dirtyRateMBps));
            double workingSet = Math.Min(workingSetMB ?? memoryMB, memoryMB);
            double switchoverMB = BandwidthMBps * MaxDowntimeMs / 1000.0;

            double remaining = memoryMB;
            double transferred = 0, copySec = 0;
            int rounds = 0;
            bool converged = false;
            while (rounds < MaxRounds)
            {
                if (remaining <= switchoverMB) { converged = true; break; }
                double roundSec = remaining / BandwidthMBps;
                rounds++;
                copySec += roundSec;
                transferred += remaining;
                double dirtied = Math.Min(workingSet, dirtyRateMBps * roundSec);
                // A round that leaves no less than it started with will never shrink: pre-copy alone does not converge.
                if (dirtied >= remaining && rounds > 1) { remaining = dirtied; break; }
                remaining = dirtied;
            }
            if (!converged && remaining <= switchoverMB) converged = true;

            double downtimeMs = remaining / BandwidthMBps * 1000.0 + SwitchoverOverheadMs;
            return new ConvergencePrediction(
                converges: converged,
                rounds: rounds,
                durationSec: SetupSec + copySec + downtimeMs / 1000.0,
                downtimeMs: downtimeMs,
                transferredMB: transferred + remaining,
                remainingAtSwitchoverMB: remaining);
        }
    }

    /// <summary>The outcome <see cref="ConvergenceModel.Predict"/> expects. When Converges is false, the numbers describe a forced switchover after the last round.</summary>
    public sealed class ConvergencePrediction
    {
        public ConvergencePrediction(bool converges, int rounds, double durationSec, double downtimeMs, double transferredMB, double remainingAtSwitchoverMB)
        {
            Converges = converges;
            Rounds = rounds;
            DurationSec = durationSec;
            DowntimeMs = downtimeMs;
            TransferredMB = transferredMB;
            RemainingAtSwitchoverMB = remainingAtSwitchoverMB;
        }

        public bool Converges { get; }
        public int Rounds { get; }
        public double DurationSec { get; }
        public double DowntimeMs { get; }
        public double TransferredMB { get; }
        public double RemainingAtSwitchoverMB { get; }
    }
}
