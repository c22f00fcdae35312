using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration;
using VmMigration.Planning;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// Seeded synthetic clusters: three host shapes, VMs of mixed sizes (many small, few large), hosts filled unevenly
    /// (30-80 % memory) so there is something to balance, and rules of every kind that the initial placement satisfies.
    /// The tight family fills every host's CPU to 95-98 % of what its 10 % reserve leaves, and memory unevenly to
    /// 25-95 % of it: nothing fits as it is, so evacuations need other VMs to move and balance needs swaps.
    /// </summary>
    internal sealed class SyntheticCluster
    {
        public string Name { get; }
        public ClusterInventory Inventory { get; }
        public ClusterRules Rules { get; }
        public List<string> EvacuationHosts { get; }

        private static readonly (int Cpus, long MemoryMB)[] HostShapes = { (32, 262144), (48, 393216), (64, 524288) };
        // Memory sizes in GB with weights: small VMs dominate, as in real fleets.
        private static readonly (int GB, int Weight)[] VmSizes = { (1, 20), (2, 25), (4, 25), (8, 15), (16, 10), (32, 4), (64, 1) };

        public bool Tight { get; }

        public SyntheticCluster(string name, int seed, int hostCount, int minVmsPerHost, int maxVmsPerHost, int evacuationHostCount, bool tight = false)
        {
            Tight = tight;
            Name = name;
            var random = new Random(seed);
            Inventory = new ClusterInventory { SnapshotTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
            int totalWeight = VmSizes.Sum(s => s.Weight);
            var vmsByHost = new List<List<InventoryVM>>();
            int vmNumber = 0;
            for (int h = 0; h < hostCount; h++)
            {
                var shape = HostShapes[random.Next(HostShapes.Length)];
                var host = new InventoryHost { Name = $"host{h:0000}", CpuCount = shape.Cpus, MemoryMB = shape.MemoryMB };
                Inventory.Hosts.Add(host);
                int vmCount = random.Next(minVmsPerHost, maxVmsPerHost + 1);
                double fill = 0.3 + 0.5 * random.NextDouble();
                // Draw sizes, then scale them to the host's fill; the mix stays, the total matches.
                var raw = new List<(double MemoryGB, int VCpus)>();
                for (int v = 0; v < vmCount; v++)
                {
                    int pick = random.Next(totalWeight), gb = VmSizes[0].GB;
                    foreach (var size in VmSizes) { if (pick < size.Weight) { gb = size.GB; break; } pick -= size.Weight; }
                    raw.Add((gb, Math.Max(1, Math.Min(16, gb / 2 + random.Next(0, 2)))));
                }
                var list = tight ? TightVMs(random, host, raw, ref vmNumber) : LooseVMs(random, host, raw, fill, ref vmNumber);
                Inventory.VMs.AddRange(list);
                vmsByHost.Add(list);
            }

            Rules = new ClusterRules { DefaultReservePercent = 10 };
            int ruleNumber = 0;
            int vmTotal = Inventory.VMs.Count;
            var used = new HashSet<string>();
            InventoryVM PickFresh(int host)
            {
                var candidates = vmsByHost[host];
                for (int attempt = 0; attempt < 10; attempt++)
                {
                    var vm = candidates[random.Next(candidates.Count)];
                    if (used.Add(vm.Name)) return vm;
                }
                return null!;
            }
            // Anti-affinity: 2-4 VMs on distinct hosts (~3 % of VMs).
            for (int i = 0; i < Math.Max(1, vmTotal / 100); i++)
            {
                var hosts = Enumerable.Range(0, hostCount).OrderBy(_ => random.Next()).Take(Math.Min(hostCount, random.Next(2, 5))).ToList();
                var vms = hosts.Select(PickFresh).Where(v => v != null).Select(v => v.Name).ToList();
                if (vms.Count >= 2) Rules.Rules.Add(new PlacementRule { Name = $"apart-{ruleNumber++}", Kind = PlacementRuleKind.AntiAffinity, VMs = vms });
            }
            // Affinity: pairs that share a host today (~1 % of VMs).
            for (int i = 0; i < Math.Max(1, vmTotal / 200); i++)
            {
                int h = random.Next(hostCount);
                var a = PickFresh(h); var b = PickFresh(h);
                if (a != null && b != null) Rules.Rules.Add(new PlacementRule { Name = $"together-{ruleNumber++}", Kind = PlacementRuleKind.Affinity, VMs = { a.Name, b.Name } });
            }
            // Host rules (~1 % each): must run on a quarter of the hosts including today's, must not run on a few others.
            for (int i = 0; i < Math.Max(1, vmTotal / 100); i++)
            {
                int h = random.Next(hostCount);
                var vm = PickFresh(h);
                if (vm == null) continue;
                var allowed = Enumerable.Range(0, hostCount).Where(x => x == h || random.Next(4) == 0).Select(x => Inventory.Hosts[x].Name).ToList();
                Rules.Rules.Add(new PlacementRule { Name = $"licensed-{ruleNumber++}", Kind = PlacementRuleKind.MustRunOn, VMs = { vm.Name }, Hosts = allowed });
                var other = PickFresh(random.Next(hostCount));
                if (other == null) continue;
                var forbidden = Enumerable.Range(0, hostCount).Where(x => Inventory.Hosts[x].Name != other.HostName && random.Next(8) == 0).Select(x => Inventory.Hosts[x].Name).ToList();
                if (forbidden.Count > 0) Rules.Rules.Add(new PlacementRule { Name = $"not-on-{ruleNumber++}", Kind = PlacementRuleKind.MustNotRunOn, VMs = { other.Name }, Hosts = forbidden });
            }
            EvacuationHosts = Enumerable.Range(0, hostCount).OrderBy(_ => random.Next()).Take(evacuationHostCount).Select(x => Inventory.Hosts[x].Name).OrderBy(n => n).ToList();
        }
        private static List<InventoryVM> LooseVMs(Random random, InventoryHost host, List<(double MemoryGB, int VCpus)> raw, double fill, ref int vmNumber)
        {
            double scale = fill * host.MemoryMB / 1024.0 / raw.Sum(r => r.MemoryGB);
            var list = new List<InventoryVM>();
            double cpuBudget = host.CpuCount * (0.3 + 0.5 * random.NextDouble());
            double cpuScale = cpuBudget / raw.Sum(r => r.VCpus * 0.5);
            foreach (var (gb, vcpus) in raw)
            {
                var vm = new InventoryVM
                {
                    Name = $"vm{vmNumber++:000000}",
                    HostName = host.Name,
                    MemoryMB = Math.Max(256, (long)Math.Round(gb * scale * 1024 / 256) * 256),
                    VCpuCount = vcpus,
                    CpuUsagePercent = Math.Round(Math.Min(100, Math.Max(1, 50 * cpuScale * (0.5 + random.NextDouble()))), 1),
                    DirtyRateMBps = random.Next(4) == 0 ? Math.Round(random.NextDouble() * 150, 1) : (double?)null,
                };
                list.Add(vm);
            }
            return list;
        }

        /// <summary>
        /// Memory to 25-95 % of the host's usable memory, CPU demand to 95-98 % of its usable CPU, each VM's share of the
        /// CPU drawn apart from its memory (so some VMs are CPU-heavy, some memory-heavy). Usage is rounded down so no
        /// host starts over its reserve.
        /// </summary>
        private static List<InventoryVM> TightVMs(Random random, InventoryHost host, List<(double MemoryGB, int VCpus)> raw, ref int vmNumber)
        {
            const double Usable = 0.9;
            double memoryFill = 0.25 + 0.70 * random.NextDouble();
            double scale = memoryFill * Usable * host.MemoryMB / 1024.0 / raw.Sum(r => r.MemoryGB);
            double cpuTarget = host.CpuCount * Usable * (0.95 + 0.03 * random.NextDouble());
            var weights = raw.Select(r => r.VCpus * (0.2 + 0.8 * random.NextDouble())).ToList();
            double weightSum = weights.Sum();
            var list = new List<InventoryVM>();
            for (int i = 0; i < raw.Count; i++)
            {
                double demand = cpuTarget * weights[i] / weightSum;
                int vcpus = Math.Max(raw[i].VCpus, (int)Math.Ceiling(demand / 0.9));
                list.Add(new InventoryVM
                {
                    Name = $"vm{vmNumber++:000000}",
                    HostName = host.Name,
                    MemoryMB = Math.Max(256, (long)Math.Floor(raw[i].MemoryGB * scale * 1024 / 256) * 256),
                    VCpuCount = vcpus,
                    CpuUsagePercent = Math.Floor(1000.0 * demand / vcpus) / 10,
                    DirtyRateMBps = random.Next(4) == 0 ? Math.Round(random.NextDouble() * 150, 1) : (double?)null,
                });
            }
            return list;
        }

    }
}
