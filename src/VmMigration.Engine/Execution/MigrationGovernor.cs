using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Execution
{
    /// <summary>
    /// Decides which moves may run at once: a global limit, a limit per source and per destination, and a bandwidth
    /// budget shared evenly by the moves in flight. A move is admitted only if, after it joins, every move in flight
    /// still gets more bandwidth than its guest dirties (with a margin), so adding parallelism never stops one from
    /// converging. The first move is always admitted. Pure logic: the evacuation applies the shares it computes.
    /// </summary>
    public sealed class MigrationGovernor
    {
        /// <summary>A move needs this much more bandwidth than its dirty rate to converge in reasonable time.</summary>
        public const double ConvergenceMargin = 1.5;

        private readonly int maxConcurrent;
        private readonly int maxPerHost;
        private readonly long budgetMBps;
        private readonly List<GovernedMove> inFlight = new List<GovernedMove>();

        public MigrationGovernor(int maxConcurrent, int maxPerHost, long budgetMBps)
        {
            if (maxConcurrent < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrent));
            if (maxPerHost < 1) throw new ArgumentOutOfRangeException(nameof(maxPerHost));
            this.maxConcurrent = maxConcurrent;
            this.maxPerHost = maxPerHost;
            this.budgetMBps = budgetMBps;
        }

        public IReadOnlyList<GovernedMove> InFlight => inFlight;

        /// <summary>Bandwidth each move in flight gets with <paramref name="count"/> moves; 0 means unlimited.</summary>
        public long ShareFor(int count) => budgetMBps <= 0 ? 0 : Math.Max(1, budgetMBps / Math.Max(1, count));

        public bool CanStart(GovernedMove candidate)
        {
            if (inFlight.Count == 0)
            {
                return true;
            }
            if (inFlight.Count >= maxConcurrent
                || inFlight.Count(m => string.Equals(m.Source, candidate.Source, StringComparison.OrdinalIgnoreCase)) >= maxPerHost
                || inFlight.Count(m => string.Equals(m.Destination, candidate.Destination, StringComparison.OrdinalIgnoreCase)) >= maxPerHost)
            {
                return false;
            }
            if (budgetMBps <= 0)
            {
                return true;
            }
            var share = ShareFor(inFlight.Count + 1);
            return inFlight.Concat(new[] { candidate }).All(m => share >= m.DirtyRateMBps * ConvergenceMargin);
        }

        public void Started(GovernedMove move) => inFlight.Add(move);

        public void Finished(GovernedMove move) => inFlight.Remove(move);
    }

    /// <summary>One move as the governor sees it.</summary>
    public sealed class GovernedMove
    {
        public GovernedMove(string vmName, string source, string destination, double dirtyRateMBps)
        {
            VMName = vmName;
            Source = source;
            Destination = destination;
            DirtyRateMBps = dirtyRateMBps;
        }

        public string VMName { get; }
        public string Source { get; }
        public string Destination { get; }
        public double DirtyRateMBps { get; }
    }
}
