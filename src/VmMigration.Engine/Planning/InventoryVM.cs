using System;
using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    /// <summary>A VM as the planner sees it: size, use, and where it runs now.</summary>
    public sealed class InventoryVM
    {
        [JsonRequired]
        public string Name { get; set; } = "";
        [JsonRequired]
        public string HostName { get; set; } = "";
        [JsonRequired]
        public int VCpuCount { get; set; }
        /// <summary>Allocated memory; this is what must fit on a host and what a live migration copies.</summary>
        [JsonRequired]
        public long MemoryMB { get; set; }
        /// <summary>CPU use as a percentage of the VM's own vCPUs; empty when not sampled (see <see cref="PlanningOptions.AssumedCpuUsagePercent"/>).</summary>
        public double? CpuUsagePercent { get; set; }
        /// <summary>
        /// The latest window's CPU use, when <see cref="CpuUsagePercent"/> is that window smoothed with the earlier ones
        /// (<see cref="LoadSmoothing"/>); the plan shows both. Left out of the file when empty.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? InstantCpuUsagePercent { get; set; }
        /// <summary>How many windows <see cref="CpuUsagePercent"/> was smoothed over. Left out of the file when empty.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? CpuUsageWindows { get; set; }
        /// <summary>
        /// When a balance run last moved the VM (UTC), as recorded with the VM on its host; Balance leaves it where it is until
        /// <see cref="PlanningOptions.CooldownMinutes"/> after that. Left out of the file when empty.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public DateTime? LastBalancedAt { get; set; }
        /// <summary>Memory the guest dirties per second; empty when not sampled.</summary>
        public double? DirtyRateMBps { get; set; }
        /// <summary>
        /// Shut off (defined, not running). Only inventories captured for a plan with stopped VMs list such VMs. It uses
        /// no CPU, but counts with all its memory wherever it is or goes, so that it can be started there later; it moves
        /// cold (definition and disks). Left out of the file when false.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool Stopped { get; set; }

        public override string ToString() => Name;
    }
}
