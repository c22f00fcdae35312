using System;
using System.Collections.Generic;
using System.Globalization;

namespace VmMigration.Planning
{
    /// <summary>
    /// Whether a balancing move pays for itself, the way DRS weighs a move's benefit against its cost: both in
    /// core-seconds of the cluster's capacity.
    /// <para>Gain: the drop of the load spread the move brings, over the cores of the balanced hosts, held for the
    /// cooldown (the least time the move stands: balancing does not move the VM again before). Cost: for the predicted
    /// duration of the move (memory copied at the bandwidth, from the <see cref="ConvergenceModel"/>), a core on the source
    /// and one on the destination run the migration; for the predicted downtime, the guest's vCPUs do nothing, weighed
    /// <see cref="DowntimeWeight"/> times because every client of the guest feels a pause at once. Bytes count through the
    /// time they take at the bandwidth.</para>
    /// </summary>
    public sealed class MoveWorth
    {
        /// <summary>QEMU's migration thread on the source and its receiving side on the destination, each about a core busy.</summary>
        public const double MigrationCores = 2;
        /// <summary>A second of a guest's pause weighs as a minute of its vCPUs' work.</summary>
        public const double DowntimeWeight = 60;

        private MoveWorth(double spreadGain, double balancedCores, int holdMinutes, double durationSec, double transferredMB, double downtimeMs, double pausedCoreSec)
        {
            SpreadGain = spreadGain;
            HoldMinutes = holdMinutes;
            DurationSec = durationSec;
            TransferredMB = transferredMB;
            DowntimeMs = downtimeMs;
            GainCoreSec = spreadGain * balancedCores * holdMinutes * 60.0;
            CostCoreSec = durationSec * MigrationCores + pausedCoreSec * DowntimeWeight;
        }

        /// <summary>The worth of moving <paramref name="members"/> (one VM, or an affinity group) lowering the spread by <paramref name="spreadGain"/>.</summary>
        internal static MoveWorth Of(double spreadGain, double balancedCores, PlanningOptions options, IEnumerable<InventoryVM> members)
        {
            var model = new ConvergenceModel(options.BandwidthMBps, options.MaxDowntimeMs);
            double duration = 0, transferred = 0, downtime = 0, paused = 0;
            foreach (var vm in members)
            {
                var prediction = model.Predict(vm.MemoryMB, vm.DirtyRateMBps ?? options.AssumedDirtyRateMBps);
                duration += prediction.DurationSec;
                transferred += prediction.TransferredMB;
                downtime = Math.Max(downtime, prediction.DowntimeMs);
                paused += prediction.DowntimeMs / 1000.0 * vm.VCpuCount;
            }
            return new MoveWorth(spreadGain, balancedCores, options.CooldownMinutes, duration, transferred, downtime, paused);
        }

        public double SpreadGain { get; }
        public int HoldMinutes { get; }
        public double DurationSec { get; }
        public double TransferredMB { get; }
        public double DowntimeMs { get; }
        public double GainCoreSec { get; }
        public double CostCoreSec { get; }

        /// <summary>The gain is at least <paramref name="minImprovement"/> times the cost (and a gain at all).</summary>
        public bool Pays(double minImprovement) => GainCoreSec > 0 && GainCoreSec >= minImprovement * CostCoreSec;

        /// <summary>Both sides of the scale, for a step's reason: "gain 2045 core-s (...) against a cost of 9 core-s (...)".</summary>
        public string Describe(double minImprovement) => string.Format(CultureInfo.InvariantCulture,
            "gain {0:0} core-s (load spread -{1:0.0000} held for the {2}-min cooldown) against a cost of {3:0.#} core-s (predicted {4:0.#} s, {5:0} MiB copied, {6:0} ms downtime): {7} its cost, at least {8:0.##}x asked",
            GainCoreSec, SpreadGain, HoldMinutes, CostCoreSec, DurationSec, TransferredMB, DowntimeMs,
            CostCoreSec > 0 ? (GainCoreSec / CostCoreSec).ToString("0.#", CultureInfo.InvariantCulture) + "x" : "many times", minImprovement);
    }
}
