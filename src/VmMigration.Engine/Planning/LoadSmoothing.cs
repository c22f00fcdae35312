using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// The load figure a balance plan uses: the mean of the measured windows, each weighed by the time it covers and by
    /// how recent it is (its weight halves every <see cref="HalfLife"/>).
    /// <para>Why this and not the median or a per-run EWMA: a VM whose CPU flaps between high and idle from run to run
    /// gives an odd-length median that flips between the two every run (a move each time); a decayed mean settles at
    /// the VM's average and sways by a fraction of the flap. Weighing by the window's length lets a one-second glance
    /// (Get-MigrationPlan) count for one second against a scheduled run's ten; decaying by time, not by run, keeps an
    /// irregular schedule (a run after a weekend) from treating old history as recent. A sustained change shows at half
    /// weight after one half-life, fully within a few.</para>
    /// </summary>
    public static class LoadSmoothing
    {
        public static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(30);

        /// <summary>Windows older than this weigh under 2 % and are dropped from the history.</summary>
        public static readonly TimeSpan MaxAge = TimeSpan.FromTicks(HalfLife.Ticks * 6);

        /// <summary>At most this many windows are kept per VM and host.</summary>
        public const int MaxWindows = 48;

        public static string Description => $"mean of the measured windows weighed by their length and halving every {HalfLife.TotalMinutes:0} min";

        /// <summary>The smoothed figure of <paramref name="windows"/> as of <paramref name="now"/>; null when there is none.</summary>
        public static double? Smooth(IEnumerable<LoadWindow> windows, DateTime now)
        {
            double weighted = 0, weights = 0;
            foreach (var window in windows)
            {
                var age = Math.Max(0, (now - window.End).TotalSeconds);
                var weight = Math.Max(window.Seconds, 1e-3) * Math.Pow(0.5, age / HalfLife.TotalSeconds);
                weighted += weight * window.CpuPercent;
                weights += weight;
            }
            return weights > 0 ? weighted / weights : (double?)null;
        }

        /// <summary>The windows worth keeping as of <paramref name="now"/>: younger than <see cref="MaxAge"/>, the latest <see cref="MaxWindows"/>.</summary>
        public static List<LoadWindow> Keep(IEnumerable<LoadWindow> windows, DateTime now)
        {
            var kept = windows.Where(w => now - w.End <= MaxAge).OrderBy(w => w.End).ToList();
            return kept.Skip(Math.Max(0, kept.Count - MaxWindows)).ToList();
        }
    }
}
