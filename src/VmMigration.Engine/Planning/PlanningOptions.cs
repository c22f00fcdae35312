using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using System.Globalization;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>What to plan and under which assumptions. Everything that changes a plan is here or in the inventory and rules.</summary>
    public sealed class PlanningOptions
    {
        [JsonRequired]
        public PlanGoal Goal { get; set; } = PlanGoal.Balance;
        /// <summary>
        /// Hosts to evacuate (Evacuate); when given, the only hosts that may be emptied (Consolidate) or the only hosts
        /// balanced, which alone give and take VMs (Balance).
        /// </summary>
        [JsonRequired]
        public List<string> HostNames { get; set; } = new List<string>();
        /// <summary>Upper bound on steps; the planner stops early rather than exceed it.</summary>
        [JsonRequired]
        public int MaxMoves { get; set; } = int.MaxValue;
        /// <summary>Balance stops once the load score is at or below this (0.05 = 5 % standard deviation of load).</summary>
        [JsonRequired]
        public double TargetScore { get; set; } = 0.05;
        /// <summary>A Balance move must lower the score by at least this much, so tiny VMs are not shuffled for nothing.</summary>
        [JsonRequired]
        public double MinScoreImprovement { get; set; } = 1e-7;
        /// <summary>
        /// Balance only: at or below this load spread (smoothed) the plan is empty and says the cluster is balanced within
        /// it; above it, Balance plans down to <see cref="TargetScore"/> (or to this, when lower). Keeping it above
        /// TargetScore is the hysteresis that keeps a balanced cluster still. 0: no threshold. Left out of the file when 0.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public double Threshold { get; set; }
        /// <summary>
        /// Balance only: a move is planned only when its gain, held for <see cref="CooldownMinutes"/>, is at least this many
        /// times its cost (both in core-seconds, see <see cref="MoveWorth"/>). 0: no cost-benefit check. Left out of the file when 0.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public double MinImprovement { get; set; }
        /// <summary>
        /// Balance only: a VM a balance run moved less than this long before the inventory's snapshot stays where it is
        /// (<see cref="InventoryVM.LastBalancedAt"/>), and the time a move's gain is held for in its cost-benefit.
        /// </summary>
        public int CooldownMinutes { get; set; } = DefaultCooldownMinutes;
        public const int DefaultCooldownMinutes = 60;
        /// <summary>CPU use assumed for VMs never sampled: 100 % counts every vCPU fully, the safe side for capacity.</summary>
        [JsonRequired]
        public double AssumedCpuUsagePercent { get; set; } = 100;
        /// <summary>Dirty rate assumed for VMs never sampled (0 treats them as idle).</summary>
        [JsonRequired]
        public double AssumedDirtyRateMBps { get; set; }
        /// <summary>Migrations (in or out) one host takes part in per wave; 2 like Hyper-V and KubeVirt defaults.</summary>
        [JsonRequired]
        public int MaxMigrationsPerHostPerWave { get; set; } = 2;
        /// <summary>Migration bandwidth per move, fed to the <see cref="ConvergenceModel"/>. 128 MiB/s is QEMU's default.</summary>
        [JsonRequired]
        public double BandwidthMBps { get; set; } = 128;
        [JsonRequired]
        public double MaxDowntimeMs { get; set; } = 300;
        /// <summary>
        /// Evacuate only: shut-off VMs on the evacuated hosts are placed too, in the same plan as the running ones, as
        /// ColdMove steps. Every stopped VM the inventory lists counts with its memory on its host, so it can be started
        /// there. Left out of the file when false.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool IncludeStopped { get; set; }
        /// <summary>
        /// A VM may move twice in one plan: Evacuate may move a VM that already made room once again to make room for
        /// another, and Balance may swap two VMs between full hosts through a third host with room (one of them parks
        /// there, then goes on). Without it every VM moves at most once. Left out of the file when false.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool AllowStaging { get; set; }
        /// <summary>
        /// Evacuate: move only the VMs of the evacuated hosts, never another VM to make room for one that fits nowhere
        /// (how Evacuate planned before make-room moves; the benchmark compares the two). Left out of the file when false.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool MoveOnlyEvacuatedVMs { get; set; }
        /// <summary>
        /// Evacuate only: destinations to fill first. A VM goes to one of these hosts when one may take it (after its own
        /// ShouldRunOn hosts, which still come first), and to another host only when none can. A rolling maintenance names
        /// the hosts it has already done, so a VM drained from a host not yet done need not move again. Left out of the
        /// file when empty.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public List<string>? PreferredDestinations { get; set; }
        /// <summary>Overrides the plan's CreatedAt; by default it is the inventory's snapshot time, which keeps plans deterministic.</summary>
        public DateTime? CreatedAt { get; set; }

        /// <summary>These options for planning again later: the same in all but CreatedAt, which a new plan takes from its own inventory.</summary>
        public PlanningOptions ForReplanning() => new PlanningOptions
        {
            Goal = Goal, HostNames = new List<string>(HostNames), MaxMoves = MaxMoves, TargetScore = TargetScore, MinScoreImprovement = MinScoreImprovement,
            AssumedCpuUsagePercent = AssumedCpuUsagePercent, AssumedDirtyRateMBps = AssumedDirtyRateMBps, MaxMigrationsPerHostPerWave = MaxMigrationsPerHostPerWave,
            BandwidthMBps = BandwidthMBps, MaxDowntimeMs = MaxDowntimeMs, IncludeStopped = IncludeStopped,
            AllowStaging = AllowStaging, MoveOnlyEvacuatedVMs = MoveOnlyEvacuatedVMs,
            Threshold = Threshold, MinImprovement = MinImprovement, CooldownMinutes = CooldownMinutes,
            PreferredDestinations = PreferredDestinations?.ToList(),
        };

        /// <summary>The options as Get-MigrationPlan's parameters name them, for a plan shown with Format-List.</summary>
        public override string ToString() => string.Format(CultureInfo.InvariantCulture,
            "{0}{1}, MaxMoves {2}, TargetScore {3}, BandwidthMBps {4}, MaxDowntimeMs {5}{6}",
            Goal, HostNames.Count == 0 ? "" : " of " + string.Join(", ", HostNames), MaxMoves == int.MaxValue ? "any" : MaxMoves.ToString(CultureInfo.InvariantCulture),
            TargetScore, BandwidthMBps, MaxDowntimeMs,
            Goal != PlanGoal.Balance ? "" : string.Format(CultureInfo.InvariantCulture, ", Threshold {0}, MinImprovement {1}, CooldownMinutes {2}", Threshold, MinImprovement, CooldownMinutes));
    }
}
