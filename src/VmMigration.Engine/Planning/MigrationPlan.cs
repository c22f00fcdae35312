using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace VmMigration
{
    public enum PlanGoal
    {
        /// <summary>Bring the spread of host load under a threshold with as few moves as possible.</summary>
        Balance,
        /// <summary>Move every VM off the named hosts.</summary>
        Evacuate,
        /// <summary>Empty as many hosts as possible within the reserves.</summary>
        Consolidate,
    }

    /// <summary>
    /// An explained plan; nothing moves until something executes it. Steps run in Order; steps of one Wave may run in
    /// parallel, and no rule or capacity is violated at any moment of any wave.
    /// </summary>
    public sealed class MigrationPlan
    {
        [JsonRequired]
        public PlanGoal Goal { get; set; }
        /// <summary>The inventory's snapshot time unless the caller set one: the plan stays a pure function of its inputs.</summary>
        [JsonRequired]
        public DateTime CreatedAt { get; set; }
        /// <summary>Fingerprint of the inventory the plan was made from; see <see cref="Planning.InventoryFingerprint"/>.</summary>
        [JsonRequired]
        public string InventoryFingerprint { get; set; } = "";
        /// <summary>The hosts the goal is about: those balanced (Balance: every host in service), named for evacuation (Evacuate) or emptied by the plan (Consolidate).</summary>
        [JsonRequired]
        public List<string> Hosts { get; set; } = new List<string>();
        /// <summary>The options it was made with (its goal, limits and assumptions), so that -Replan makes the same kind of plan; null in plans written before they were kept.</summary>
        public Planning.PlanningOptions? Options { get; set; }
        [JsonRequired]
        public List<MigrationPlanStep> Steps { get; set; } = new List<MigrationPlanStep>();
        [JsonRequired]
        public List<UnplacedVM> Unplaced { get; set; } = new List<UnplacedVM>();
        /// <summary>Spread of host load before and after (see <see cref="Planning.LoadScore"/>); lower is more even.</summary>
        [JsonRequired]
        public double ScoreBefore { get; set; }
        [JsonRequired]
        public double ScoreAfter { get; set; }
        [JsonRequired]
        public int WaveCount { get; set; }
        /// <summary>Sum over waves of the longest step in each wave.</summary>
        [JsonRequired]
        public double PredictedDurationSec { get; set; }
        /// <summary>Balance: the figures the plan was made from and why it moves what it moves; null for other goals. Left out of the file when null.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public BalanceAssessment? Balance { get; set; }

        public override string ToString() => $"{Goal}: {Steps.Count} steps in {WaveCount} waves, score {ScoreBefore:0.###} -> {ScoreAfter:0.###}";
    }

    /// <summary>How a step moves its VM.</summary>
    public enum PlanStepKind
    {
        /// <summary>The VM runs: it is live-migrated.</summary>
        LiveMigration,
        /// <summary>The VM is shut off: its definition and disks are moved, and it stays shut off (Invoke-HostEvacuation -IncludeStopped).</summary>
        ColdMove,
    }

    /// <summary>One VM's move. Pipe it to Move-VMLive; it carries VMName, Source and Destination by property name.</summary>
    public sealed class MigrationPlanStep
    {
        [JsonRequired]
        public int Order { get; set; }
        [JsonRequired]
        public int Wave { get; set; }
        [JsonRequired]
        public string VMName { get; set; } = "";
        [JsonRequired]
        public string Source { get; set; } = "";
        [JsonRequired]
        public string Destination { get; set; } = "";
        /// <summary>Left out of the file for a live migration, so plans without cold moves read and write as they always did.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public PlanStepKind Kind { get; set; }
        [JsonRequired]
        public PlanReason Reason { get; set; } = new PlanReason();
        [JsonRequired]
        public long MemoryMB { get; set; }
        /// <summary>0 for a cold move: it takes as long as copying its disks, which the plan does not know.</summary>
        [JsonRequired]
        public double PredictedDurationSec { get; set; }
        /// <summary>0 for a cold move: a shut-off VM has no downtime.</summary>
        [JsonRequired]
        public long PredictedDowntimeMs { get; set; }
        /// <summary>False when the sampled dirty rate outruns the bandwidth: the move needs throttling or post-copy to finish. Always true for a cold move.</summary>
        [JsonRequired]
        public bool PredictedToConverge { get; set; } = true;
        /// <summary>A Balance step with cost-benefit (-MinImprovement): its gain and cost in core-seconds (<see cref="Planning.MoveWorth"/>). Left out of the file when empty.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? PredictedGainCoreSec { get; set; }
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? PredictedCostCoreSec { get; set; }

        public override string ToString() => $"{Order}: {VMName} {Source} -> {Destination}{(Kind == PlanStepKind.ColdMove ? " (cold)" : "")}";
    }

    /// <summary>Why a step or an unplaced VM is what it is: a stable code for scripts and a sentence for people.</summary>
    public sealed class PlanReason
    {
        [JsonRequired]
        public string Code { get; set; } = "";
        [JsonRequired]
        public string Text { get; set; } = "";

        public override string ToString() => $"{Code}: {Text}";
    }

    /// <summary>A VM the goal wanted to move but could not place, and why.</summary>
    public sealed class UnplacedVM
    {
        [JsonRequired]
        public string VMName { get; set; } = "";
        [JsonRequired]
        public string HostName { get; set; } = "";
        [JsonRequired]
        public PlanReason Reason { get; set; } = new PlanReason();

        public override string ToString() => $"{VMName}: {Reason.Code}";
    }
}
