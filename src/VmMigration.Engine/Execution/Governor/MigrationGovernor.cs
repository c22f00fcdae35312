using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Execution.Governor
{
    /// <summary>
    /// Decides which moves may run at once and how they split the bandwidth budget. Hard limits first: a global limit,
    /// a limit per source and per destination, and no move joins if the even split would leave some guest less
    /// bandwidth than it dirties (with a margin). Within them, with a budget, the moves form a pipeline: every move costs
    /// fixed time before its first byte (the destination's QEMU starting, the handshake) and after its last (the
    /// switchover), and the next one is started so that this fixed time overlaps the link work already queued (the bytes
    /// the transferring moves have left and the memory of those still preparing) instead of following it. The link's budget goes to the moves that are
    /// transferring; a move still preparing holds 1 MiB/s until it is seen transferring. So the link stays busy while each
    /// move runs with as much of it as possible, and finishes soon: a guest that dirties memory resends fewer pages.
    /// Without a budget only the hard limits apply. Pure logic: the evacuation reports each move's progress and applies
    /// the shares.
    /// </summary>
    public sealed class MigrationGovernor
    {
        /// <summary>A move needs this much more bandwidth than its dirty rate to converge in reasonable time.</summary>
        public const double ConvergenceMargin = 1.5;
        /// <summary>What a move is assumed to need before its first byte until this run has seen one.</summary>
        public static readonly TimeSpan InitialPrepareEstimate = TimeSpan.FromSeconds(2);
        /// <summary>
        /// The next move starts when the link work queued is no more than this many preparations: a move's fixed cost is
        /// its preparation before the first byte and about as long again for the switchover after the last (lab: ~2 s
        /// each). On the lab (bench/evacuation) 2 finished the drain sooner than 1 (the link idled during switchovers)
        /// and than 3 (more moves shared the link, so the guests that dirty memory resent more).
        /// </summary>
        public const double LookaheadPreparations = 2;
        /// <summary>A move still preparing holds this much of the budget, so that its first bytes stay within it.</summary>
        public const long PreparingShareMBps = 1;

        private readonly int maxConcurrent;
        private readonly int maxPerHost;
        private readonly long budgetMBps;
        private readonly List<GovernedMove> inFlight = new List<GovernedMove>();
        private double prepareEstimateMs = InitialPrepareEstimate.TotalMilliseconds;
        private bool prepareObserved;

        public MigrationGovernor(int maxConcurrent, int maxPerHost, long budgetMBps)
        {
            if (maxConcurrent < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrent));
            if (maxPerHost < 1) throw new ArgumentOutOfRangeException(nameof(maxPerHost));
            this.maxConcurrent = maxConcurrent;
            this.maxPerHost = maxPerHost;
            this.budgetMBps = budgetMBps;
        }

        public IReadOnlyList<GovernedMove> InFlight => inFlight;

        /// <summary>How long this run's moves took from their start to their first byte (an average that follows the latest).</summary>
        public TimeSpan PrepareEstimate => TimeSpan.FromMilliseconds(prepareEstimateMs);

        /// <summary>A move was seen transferring <paramref name="sinceStart"/> after it started.</summary>
        public void ObservePrepare(TimeSpan sinceStart)
        {
            prepareEstimateMs = prepareObserved ? (prepareEstimateMs + sinceStart.TotalMilliseconds) / 2 : sinceStart.TotalMilliseconds;
            prepareObserved = true;
        }

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
            var evenShare = (double)budgetMBps / (inFlight.Count + 1);
            if (!inFlight.Concat(new[] { candidate }).All(m => evenShare >= m.DirtyRateMBps * ConvergenceMargin))
            {
                return false;
            }
            return QueuedLinkWork().TotalMilliseconds <= LookaheadPreparations * PrepareEstimate.TotalMilliseconds;
        }

        /// <summary>How long the link is busy with the moves in flight at the full budget: what the transferring ones have left, all of the preparing ones.</summary>
        public TimeSpan QueuedLinkWork()
        {
            if (budgetMBps <= 0)
            {
                return TimeSpan.Zero;
            }
            var bytes = inFlight.Sum(m => m.Transferring ? m.RemainingBytes : m.MemoryBytes);
            return TimeSpan.FromSeconds(bytes / (budgetMBps * 1048576.0));
        }

        /// <summary>
        /// The bandwidth a candidate can expect once its memory is on the way: the even split with it in flight (its
        /// starting share may be the 1 MiB/s a preparing move holds). Predictions made before the start use this.
        /// </summary>
        public long TransferShareFor(GovernedMove candidate) => budgetMBps <= 0 ? 0 : Math.Max(1, budgetMBps / (inFlight.Count(m => m != candidate) + 1));

        public void Started(GovernedMove move) => inFlight.Add(move);

        public void Finished(GovernedMove move) => inFlight.Remove(move);

        /// <summary>
        /// The bandwidth of each move in flight, and of <paramref name="candidate"/> as if it had joined (0 means unlimited:
        /// no budget). While some move transfers, the preparing ones hold <see cref="PreparingShareMBps"/> and the
        /// transferring ones split the rest evenly; while none does, the preparing ones split the whole budget.
        /// </summary>
        public IReadOnlyDictionary<GovernedMove, long> Shares(GovernedMove? candidate = null)
        {
            var moves = candidate == null ? inFlight.ToList() : inFlight.Concat(new[] { candidate }).ToList();
            var shares = new Dictionary<GovernedMove, long>();
            var transferring = moves.Where(m => m.Transferring).ToList();
            var preparing = moves.Where(m => !m.Transferring).ToList();
            if (budgetMBps <= 0)
            {
                moves.ForEach(m => shares[m] = 0);
                return shares;
            }
            if (transferring.Count == 0)
            {
                Split(preparing, budgetMBps, shares);
                return shares;
            }
            var reserved = Math.Min(budgetMBps - transferring.Count, preparing.Count * PreparingShareMBps);
            preparing.ForEach(m => shares[m] = PreparingShareMBps);
            Split(transferring, budgetMBps - Math.Max(0, reserved), shares);
            return shares;
        }

        /// <summary>An even split to the MiB/s; the first moves take the remainder, so the shares add up to the amount.</summary>
        private static void Split(IReadOnlyList<GovernedMove> moves, long amount, Dictionary<GovernedMove, long> shares)
        {
            for (var i = 0; i < moves.Count; i++)
            {
                shares[moves[i]] = Math.Max(1, amount / moves.Count + (i < amount % moves.Count ? 1 : 0));
            }
        }
    }
}
