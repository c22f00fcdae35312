using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    /// <summary>A host as the planner sees it: capacity and whether it may take VMs.</summary>
    public sealed class InventoryHost
    {
        [JsonRequired]
        public string Name { get; set; } = "";
        [JsonRequired]
        public int CpuCount { get; set; }
        [JsonRequired]
        public long MemoryMB { get; set; }
        /// <summary>Maintenance and unreachable hosts are never destinations and are left out of the load spread.</summary>
        [JsonRequired]
        public HostState State { get; set; } = HostState.Connected;

        public override string ToString() => Name;
    }
}
