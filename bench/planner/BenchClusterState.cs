using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration;
using VmMigration.Planning;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// The bench's own view of a cluster for the baseline and CP-SAT: placement, room after reserves, and the rules as
    /// lookups. Written separately from the planner so the comparison does not share its mistakes. Affinity groups that
    /// share a host move as one group; groups already split are left where they are.
    /// </summary>
    internal sealed class BenchClusterState
    {
        public readonly ClusterInventory Inventory;
        public readonly ClusterRules Rules;
        public readonly List<string> HostNames;
        public readonly Dictionary<string, long> MemoryRoom = new();
        public readonly Dictionary<string, double> CpuRoom = new();
        public readonly Dictionary<string, bool> InService = new();
        private readonly Dictionary<string, InventoryHost> hosts;
        public readonly Dictionary<string, long> UsedMemory = new();
        public readonly Dictionary<string, double> UsedCpu = new();
        public readonly Dictionary<string, string> Location = new();
        public readonly Dictionary<string, InventoryVM> VMs;
        public readonly List<List<string>> Groups = new();
        public readonly Dictionary<string, int> GroupOf = new();
        private readonly Dictionary<string, List<string>> apart = new();
        private readonly Dictionary<string, List<HashSet<string>>> must = new();
        private readonly Dictionary<string, HashSet<string>> mustNot = new();
        public readonly List<(string VM, string From, string To, int Group)> Moves = new();
        private readonly HashSet<int> movedGroups = new();

        public BenchClusterState(ClusterInventory inventory, ClusterRules rules)
        {
            Inventory = inventory;
            Rules = rules;
            hosts = inventory.Hosts.ToDictionary(h => h.Name);
            HostNames = inventory.Hosts.Select(h => h.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
            foreach (var host in inventory.Hosts)
            {
                double reserve = rules.HostReserves.FirstOrDefault(r => r.HostName == host.Name)?.ReservePercent ?? rules.DefaultReservePercent;
                MemoryRoom[host.Name] = (long)Math.Floor(host.MemoryMB * (100 - reserve) / 100);
                CpuRoom[host.Name] = host.CpuCount * (100 - reserve) / 100;
                InService[host.Name] = host.State == HostState.Connected && !rules.MaintenanceHosts.Contains(host.Name);
                UsedMemory[host.Name] = 0;
                UsedCpu[host.Name] = 0;
            }
            VMs = inventory.VMs.ToDictionary(v => v.Name);
            foreach (var vm in inventory.VMs)
            {
                Location[vm.Name] = vm.HostName;
                UsedMemory[vm.HostName] += vm.MemoryMB;
                UsedCpu[vm.HostName] += Cpu(vm.Name);
            }
            var parent = new Dictionary<string, string>();
            string Root(string v) { while (parent.TryGetValue(v, out var p) && p != v) v = p; return v; }
            foreach (var rule in rules.Rules)
            {
                var present = rule.VMs.Where(VMs.ContainsKey).ToList();
                switch (rule.Kind)
                {
                    case PlacementRuleKind.Affinity:
                        for (int i = 1; i < present.Count; i++) { var a = Root(present[0]); var b = Root(present[i]); if (a != b) parent[b] = a; }
                        break;
                    case PlacementRuleKind.AntiAffinity:
                        foreach (var v in present) { if (!apart.TryGetValue(v, out var l)) apart[v] = l = new(); l.AddRange(present.Where(o => o != v)); }
                        break;
                    case PlacementRuleKind.MustRunOn:
                        foreach (var v in present) { if (!must.TryGetValue(v, out var l)) must[v] = l = new(); l.Add(new HashSet<string>(rule.Hosts)); }
                        break;
                    case PlacementRuleKind.MustNotRunOn:
                        foreach (var v in present) { if (!mustNot.TryGetValue(v, out var s)) mustNot[v] = s = new(); s.UnionWith(rule.Hosts); }
                        break;
                }
            }
            var byRoot = new Dictionary<string, int>();
            foreach (var vm in inventory.VMs.OrderBy(v => v.Name, StringComparer.Ordinal))
            {
                var root = Root(vm.Name);
                if (!byRoot.TryGetValue(root, out var g)) { g = Groups.Count; byRoot[root] = g; Groups.Add(new List<string>()); }
                Groups[g].Add(vm.Name);
                GroupOf[vm.Name] = g;
            }
        }

        public double Cpu(string vm) => VMs[vm].VCpuCount * (VMs[vm].CpuUsagePercent ?? 100) / 100;
        public long GroupMemory(int g) => Groups[g].Sum(v => VMs[v].MemoryMB);
        public double GroupCpu(int g) => Groups[g].Sum(Cpu);
        public string? GroupHost(int g) => Groups[g].Select(v => Location[v]).Distinct().Count() == 1 ? Location[Groups[g][0]] : null;
        public bool Moved(int g) => movedGroups.Contains(g);

        public bool Allowed(string vm, string host) =>
            (!must.TryGetValue(vm, out var sets) || sets.All(s => s.Contains(host))) && (!mustNot.TryGetValue(vm, out var no) || !no.Contains(host));

        public IEnumerable<string> ApartFrom(string vm) => apart.TryGetValue(vm, out var l) ? l : Enumerable.Empty<string>();

        public bool CanMove(int g, string to)
        {
            var from = GroupHost(g);
            if (from == null || from == to || movedGroups.Contains(g) || !InService[to]) return false;
            if (UsedMemory[to] + GroupMemory(g) > MemoryRoom[to] || UsedCpu[to] + GroupCpu(g) > CpuRoom[to] + 1e-9) return false;
            foreach (var vm in Groups[g])
            {
                if (!Allowed(vm, to)) return false;
                foreach (var other in ApartFrom(vm)) if (Location[other] == to) return false;
            }
            return true;
        }

        public void Move(int g, string to)
        {
            var from = GroupHost(g)!;
            foreach (var vm in Groups[g])
            {
                UsedMemory[from] -= VMs[vm].MemoryMB; UsedCpu[from] -= Cpu(vm);
                UsedMemory[to] += VMs[vm].MemoryMB; UsedCpu[to] += Cpu(vm);
                Location[vm] = to;
                Moves.Add((vm, from, to, g));
            }
            movedGroups.Add(g);
        }

        public void UndoLast(int g)
        {
            var moves = Moves.Where(m => m.Group == g).ToList();
            foreach (var m in moves)
            {
                UsedMemory[m.To] -= VMs[m.VM].MemoryMB; UsedCpu[m.To] -= Cpu(m.VM);
                UsedMemory[m.From] += VMs[m.VM].MemoryMB; UsedCpu[m.From] += Cpu(m.VM);
                Location[m.VM] = m.From;
            }
            Moves.RemoveAll(m => m.Group == g);
            movedGroups.Remove(g);
        }

        public double Load(string host) => ((double)UsedMemory[host] / hosts[host].MemoryMB + UsedCpu[host] / hosts[host].CpuCount) / 2;

        public double LoadWith(string host, int g, int sign) =>
            ((double)(UsedMemory[host] + sign * GroupMemory(g)) / hosts[host].MemoryMB + (UsedCpu[host] + sign * GroupCpu(g)) / hosts[host].CpuCount) / 2;

        /// <summary>The moves as a plan that runs one group at a time, for the independent checker.</summary>
        public MigrationPlan ToSequentialPlan(PlanGoal goal, IEnumerable<string> hosts)
        {
            var plan = new MigrationPlan { Goal = goal, Hosts = hosts.ToList() };
            int wave = 0, lastGroup = -1;
            foreach (var m in Moves)
            {
                if (m.Group != lastGroup) { wave++; lastGroup = m.Group; }
                plan.Steps.Add(new MigrationPlanStep { Order = plan.Steps.Count + 1, Wave = wave, VMName = m.VM, Source = m.From, Destination = m.To, MemoryMB = VMs[m.VM].MemoryMB });
            }
            plan.WaveCount = wave;
            return plan;
        }

        /// <summary>The inventory after the moves, to score with the same metric as the planner's plans.</summary>
        public ClusterInventory FinalInventory() => new ClusterInventory
        {
            SnapshotTime = Inventory.SnapshotTime,
            Hosts = Inventory.Hosts,
            VMs = Inventory.VMs.Select(v => new InventoryVM { Name = v.Name, HostName = Location[v.Name], MemoryMB = v.MemoryMB, VCpuCount = v.VCpuCount, CpuUsagePercent = v.CpuUsagePercent }).ToList(),
        };
    }
}
