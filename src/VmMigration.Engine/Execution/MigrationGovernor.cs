using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Execution
{
    /// <summary>
    /// Decides which moves may run at once and how they split the bandwidth budget: a global limit, a limit per source
    /// and per destination, and a budget that the moves in flight share. Each move needs more bandwidth than its guest
    /// dirties (with a margin) to converge; a move is admitted only while every need still fits in the budget, so adding
    /// parallelism never stops one from converging, and the first move is always admitted. Above the needs, guests that
    /// dirty memory get more first (each page they do not have to send again shortens the drain), then idle guests split
    /// what is left: the whole budget is always handed out. Pure logic: the evacuation applies the shares it computes.
    /// </summary>
    public sealed class MigrationGovernor
    {
        /// <summary>A move needs this much more bandwidth than its dirty rate to converge in reasonable time.</summary>
        public const double ConvergenceMargin = 1.5;
        /// <summary>Above every need, a guest that dirties memory is raised up to this many times its dirty rate first.</summary>
        public const double PreferredMargin = 4;

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

        /// <summary>The bandwidth a move cannot converge without (at least 1 MiB/s).</summary>
        public static long NeedOf(GovernedMove move) => Math.Max(1, (long)Math.Ceiling(move.DirtyRateMBps * ConvergenceMargin));

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
            return budgetMBps <= 0 || inFlight.Sum(NeedOf) + NeedOf(candidate) <= budgetMBps;
        }

        public void Started(GovernedMove move) => inFlight.Add(move);

        public void Finished(GovernedMove move) => inFlight.Remove(move);

        /// <summary>
        /// The bandwidth of each move in flight, and of <paramref name="candidate"/> as if it had joined; 0 means unlimited
        /// (no budget). The shares add up to the budget.
        /// </summary>
        public IReadOnlyDictionary<GovernedMove, long> Shares(GovernedMove? candidate = null)
        {
            var moves = candidate == null ? inFlight.ToList() : inFlight.Concat(new[] { candidate }).ToList();
            var shares = moves.ToDictionary(m => m, m => 0L);
            if (budgetMBps <= 0 || moves.Count == 0)
            {
                return shares;
            }

            var needs = moves.Sum(NeedOf);
            if (needs >= budgetMBps)
            {
                // Only a lone move can need more than the budget (admission keeps the rest within it): split by need.
                var given = 0L;
                foreach (var move in moves)
                {
                    shares[move] = Math.Max(1, budgetMBps * NeedOf(move) / needs);
                    given += shares[move];
                }
                shares[moves[0]] += Math.Max(0, budgetMBps - given);
                return shares;
            }

            var left = budgetMBps - needs;
            foreach (var move in moves)
            {
                shares[move] = NeedOf(move);
            }
            foreach (var move in moves.Where(m => m.DirtyRateMBps > 0).OrderByDescending(m => m.DirtyRateMBps))
            {
                var raise = Math.Min(left, Math.Max(0, (long)Math.Ceiling(move.DirtyRateMBps * PreferredMargin) - shares[move]));
                shares[move] += raise;
                left -= raise;
            }
            for (var i = 0; i < moves.Count; i++)
            {
                shares[moves[i]] += left / moves.Count + (i < left % moves.Count ? 1 : 0);
            }
            return shares;
        }
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
