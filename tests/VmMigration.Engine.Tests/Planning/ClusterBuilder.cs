using System;
using System.Collections.Generic;
using VmMigration.Planning;

namespace VmMigration.Tests.Planning
{
    /// <summary>Small inventories written as a sentence: hosts, then the VMs on them.</summary>
    internal sealed class ClusterBuilder
    {
        public static readonly DateTime SnapshotTime = new DateTime(2026, 1, 31, 12, 0, 0, DateTimeKind.Utc);
        private readonly ClusterInventory inventory = new ClusterInventory { SnapshotTime = SnapshotTime };

        public ClusterBuilder Host(string name, int cpus = 16, long memoryMB = 65536, HostState state = HostState.Connected)
        {
            inventory.Hosts.Add(new InventoryHost { Name = name, CpuCount = cpus, MemoryMB = memoryMB, State = state });
            return this;
        }

        public ClusterBuilder VM(string name, string host, long memoryMB = 4096, int vcpus = 2, double cpuPercent = 50, double? dirtyRateMBps = null)
        {
            inventory.VMs.Add(new InventoryVM { Name = name, HostName = host, MemoryMB = memoryMB, VCpuCount = vcpus, CpuUsagePercent = cpuPercent, DirtyRateMBps = dirtyRateMBps });
            return this;
        }

        public ClusterInventory Build() => inventory;

        public static PlacementRule Rule(string name, PlacementRuleKind kind, IEnumerable<string> vms, IEnumerable<string>? hosts = null) =>
            new PlacementRule { Name = name, Kind = kind, VMs = new List<string>(vms), Hosts = hosts == null ? new List<string>() : new List<string>(hosts) };

        public static ClusterRules Rules(params PlacementRule[] rules) => new ClusterRules { Rules = new List<PlacementRule>(rules) };
    }
}
