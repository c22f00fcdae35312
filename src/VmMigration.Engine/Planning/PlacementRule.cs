using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    public enum PlacementRuleKind
    {
        /// <summary>The listed VMs run on the same host.</summary>
        Affinity,
        /// <summary>No two of the listed VMs run on the same host.</summary>
        AntiAffinity,
        /// <summary>The listed VMs run only on the listed hosts.</summary>
        MustRunOn,
        /// <summary>The listed VMs prefer the listed hosts: the planner never moves them off those hosts and picks them first.</summary>
        ShouldRunOn,
        /// <summary>The listed VMs never run on the listed hosts.</summary>
        MustNotRunOn,
    }

    /// <summary>One named rule of a cluster file. The name is what errors and plan reasons quote.</summary>
    public sealed class PlacementRule
    {
        [JsonRequired]
        public string Name { get; set; } = "";
        [JsonRequired]
        public PlacementRuleKind Kind { get; set; }
        [JsonRequired]
        public List<string> VMs { get; set; } = new List<string>();
        /// <summary>Hosts for MustRunOn, ShouldRunOn and MustNotRunOn; empty for VM-VM rules.</summary>
        public List<string> Hosts { get; set; } = new List<string>();

        public override string ToString() => $"{Name} ({Kind})";
    }

    /// <summary>Headroom a host keeps free: the planner fills it only up to (100 - ReservePercent) % of CPU and memory.</summary>
    public sealed class HostReserve
    {
        [JsonRequired]
        public string HostName { get; set; } = "";
        [JsonRequired]
        public double ReservePercent { get; set; }
    }
}
