using System;
using System.Globalization;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// The figures a Balance plan records before it moves anything: the load spread with this window's CPU use and with
    /// the smoothed use it plans from, and each balanced host's and VM's load, so a person sees what was decided on.
    /// </summary>
    internal static class BalanceFigures
    {
        public static BalanceAssessment Assess(PlacementModel model, CapacityLedger ledger, PlanningOptions options, bool[] balanced)
        {
            // The instant spread: the same hosts and memory, CPU from the latest window alone.
            var instant = new CapacityLedger(model);
            var instantCpu = new double[model.HostCount];
            foreach (var vm in model.VMs.Where(v => !v.Stopped))
            {
                instantCpu[model.HostIndex[vm.HostName]] += vm.VCpuCount * (vm.InstantCpuUsagePercent ?? vm.CpuUsagePercent ?? options.AssumedCpuUsagePercent) / 100.0;
            }
            Array.Copy(instantCpu, instant.UsedCpu, model.HostCount);

            var assessment = new BalanceAssessment
            {
                Threshold = options.Threshold,
                TargetScore = options.TargetScore,
                InstantScore = Math.Round(new LoadScore(model, instant, (bool[])balanced.Clone()).Value, 6),
                SmoothedScore = Math.Round(new LoadScore(model, ledger, (bool[])balanced.Clone()).Value, 6),
                Smoothing = LoadSmoothing.Description,
            };
            for (int h = 0; h < model.HostCount; h++)
            {
                if (!balanced[h]) continue;
                assessment.Hosts.Add(new HostLoadFigure
                {
                    Name = model.HostNames[h],
                    InstantCpuPercent = Percent(instantCpu[h] / model.CpuCapacity[h]),
                    SmoothedCpuPercent = Percent(ledger.UsedCpu[h] / model.CpuCapacity[h]),
                    MemoryPercent = Percent((double)ledger.UsedMemoryMB[h] / model.MemoryCapacityMB[h]),
                });
            }
            foreach (var vm in model.VMs.Where(v => !v.Stopped && balanced[model.HostIndex[v.HostName]]))
            {
                assessment.VMs.Add(new VMLoadFigure
                {
                    Name = vm.Name,
                    HostName = vm.HostName,
                    InstantCpuPercent = vm.InstantCpuUsagePercent ?? vm.CpuUsagePercent,
                    SmoothedCpuPercent = vm.CpuUsagePercent,
                    Windows = vm.CpuUsageWindows,
                    LastBalancedAt = vm.LastBalancedAt,
                });
            }
            return assessment;
        }

        /// <summary>One sentence with the figures, for the plan and the run's summary.</summary>
        public static string Summarize(BalanceAssessment assessment, GoalResult result, PlanningOptions options)
        {
            string spread = string.Format(CultureInfo.InvariantCulture, "load spread {0:0.000} (smoothed; {1:0.000} this window)", assessment.SmoothedScore, assessment.InstantScore);
            string threshold = options.Threshold > 0 ? string.Format(CultureInfo.InvariantCulture, "the threshold {0:0.000}", options.Threshold) : "the target " + options.TargetScore.ToString("0.000", CultureInfo.InvariantCulture);
            if (assessment.WithinThreshold)
            {
                var hot = assessment.Hosts.OrderByDescending(h => h.SmoothedCpuPercent + h.MemoryPercent).FirstOrDefault();
                var cold = assessment.Hosts.OrderBy(h => h.SmoothedCpuPercent + h.MemoryPercent).FirstOrDefault();
                return string.Format(CultureInfo.InvariantCulture, "Balanced within threshold: {0} is at or below {1}, so nothing moves{2}.",
                    spread, threshold, hot == null || cold == null ? "" : $" (most loaded {hot}; least loaded {cold})");
            }
            if (result.Moves.Count > 0)
            {
                return string.Format(CultureInfo.InvariantCulture, "The {0} is above {1}: {2} move(s) bring it to {3:0.000} (target {4:0.000}).",
                    spread, threshold, result.StepCount, result.ScoreAfter, Math.Min(options.TargetScore, options.Threshold > 0 ? options.Threshold : options.TargetScore));
            }
            if (assessment.SmoothedScore <= options.TargetScore)
            {
                return string.Format(CultureInfo.InvariantCulture, "Balanced: the {0} is at or below the target {1:0.000}, so nothing moves.", spread, options.TargetScore);
            }
            string why = assessment.NotWorthMoving.Count > 0 ? "the best move left does not pay for its cost (see NotWorthMoving)"
                : assessment.CoolingDown.Count > 0 ? "no move of a VM that is not cooling down lowers it (see CoolingDown)"
                : "no move lowers it within capacity and rules";
            return string.Format(CultureInfo.InvariantCulture, "The {0} is above {1}, but nothing moves: {2}.", spread, threshold, why);
        }

        private static double Percent(double fraction) => Math.Round(100 * fraction, 2);
    }
}
