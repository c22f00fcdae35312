using System.Collections.Generic;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Execution.Governor
{
    /// <summary>
    /// Keeps each running migration's bandwidth at the share the governor gives it. A share is applied once the move is
    /// seen transferring (before that the hypervisor has no job to change, and the move starts with the share it was
    /// given), and again whenever the governor's split changes. A call that fails is tried again at the next poll.
    /// </summary>
    internal sealed class BandwidthShares
    {
        private readonly Dictionary<GovernedMove, (ConnectedHost Source, long Applied)> moves = new Dictionary<GovernedMove, (ConnectedHost, long)>();

        /// <summary>A move started with <paramref name="share"/> MiB/s (0: unlimited).</summary>
        public void Started(GovernedMove move, ConnectedHost source, long share) => moves[move] = (source, share);

        public void Finished(GovernedMove move) => moves.Remove(move);

        /// <summary>Brings every transferring move to its share in <paramref name="shares"/>.</summary>
        public void Apply(IReadOnlyDictionary<GovernedMove, long> shares)
        {
            foreach (var move in new List<GovernedMove>(moves.Keys))
            {
                var (source, applied) = moves[move];
                if (!shares.TryGetValue(move, out var share) || share <= 0 || share == applied || !move.Transferring)
                {
                    continue;
                }
                try
                {
                    source.Connection.SetMigrationBandwidth(move.VMName, share);
                    moves[move] = (source, share);
                }
                catch (MigrationException)
                {
                    // The move may have ended between the decision and the call; the next poll tries again if it has not.
                }
            }
        }
    }
}
