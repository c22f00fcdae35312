using System.Collections.Generic;

namespace VmMigration.Planning
{
    /// <summary>What a goal hands to plan assembly: ordered moves, VMs it could not place, hosts it names.</summary>
    internal sealed class GoalResult
    {
        public List<PlannedMove> Moves { get; } = new List<PlannedMove>();
        /// <summary>VMs moved so far: what MaxMoves limits (an affinity group counts each member).</summary>
        public int StepCount { get; private set; }

        public void Add(PlannedMove move, PlacementModel model)
        {
            Moves.Add(move);
            StepCount += model.UnitMembers[move.Unit].Length;
        }
        public List<UnplacedVM> Unplaced { get; } = new List<UnplacedVM>();
        public List<string> Hosts { get; } = new List<string>();
        public double ScoreBefore { get; set; }
        public double ScoreAfter { get; set; }
        /// <summary>Balance: what the goal saw and decided beyond its moves.</summary>
        public BalanceAssessment? Balance { get; set; }
    }
}
