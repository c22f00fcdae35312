using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// The fixed facts of one planning run in array form: hosts with usable capacity after reserves, and placement units.
    /// A unit is what moves as one: a single VM, or an affinity group that currently shares a host (moving it together is
    /// the only way to keep the rule). Rules become per-unit indexes so a feasibility check costs a few array reads.
    /// </summary>
    internal sealed class PlacementModel
    {
        public readonly int HostCount;
        public readonly string[] HostNames;
        public readonly double[] CpuCapacity;
        public readonly long[] MemoryCapacityMB;
        public readonly double[] UsableCpu;
        public readonly long[] UsableMemoryMB;
        /// <summary>Connected and not in maintenance (by inventory or rules): may receive VMs and counts in the load spread.</summary>
        public readonly bool[] InService;
        public readonly Dictionary<string, int> HostIndex;

        public readonly InventoryVM[] VMs;
        public readonly double[] VmCpuDemand;

        public readonly int UnitCount;
        public readonly int[][] UnitMembers;
        public readonly double[] UnitCpu;
        public readonly long[] UnitMemoryMB;
        /// <summary>Host of every member, or -1 when an affinity group is split today: such a group is never moved.</summary>
        public readonly int[] UnitInitialHost;
        public readonly string[] UnitName;
        public readonly string?[] UnitAffinityRule;
        /// <summary>Units that must never share a host with this one (anti-affinity), each listed once.</summary>
        public readonly int[][] UnitConflicts;
        /// <summary>For each entry of <see cref="UnitConflicts"/>, the (ordinal-first) anti-affinity rule that keeps the two apart.</summary>
        public readonly string[][] UnitConflictRules;
        /// <summary>Null when any host is allowed; otherwise MustRunOn minus MustNotRunOn.</summary>
        public readonly bool[]?[] UnitAllowedHosts;
        public readonly string?[] UnitAllowedRule;
        /// <summary>Null when no ShouldRunOn applies.</summary>
        public readonly bool[]?[] UnitPreferredHosts;
        public readonly string?[] UnitPreferredRule;
        /// <summary>The hosts <see cref="PlanningOptions.PreferredDestinations"/> names: filled first by Evacuate.</summary>
        public readonly bool[] PreferredDestination;
        public readonly bool HasPreferredDestinations;

        public PlacementModel(ClusterInventory sortedInventory, ClusterRules rules, PlanningOptions options)
        {
            var hosts = sortedInventory.Hosts;
            HostCount = hosts.Count;
            HostNames = hosts.Select(h => h.Name).ToArray();
            HostIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int h = 0; h < HostCount; h++) HostIndex[HostNames[h]] = h;
            var maintenance = new HashSet<string>(rules.MaintenanceHosts, StringComparer.Ordinal);
            CpuCapacity = new double[HostCount];
            MemoryCapacityMB = new long[HostCount];
            UsableCpu = new double[HostCount];
            UsableMemoryMB = new long[HostCount];
            InService = new bool[HostCount];
            for (int h = 0; h < HostCount; h++)
            {
                var host = hosts[h];
                double keep = (100.0 - rules.ReservePercentFor(host.Name)) / 100.0;
                CpuCapacity[h] = host.CpuCount;
                MemoryCapacityMB[h] = host.MemoryMB;
                UsableCpu[h] = Usable.Cpu(host.CpuCount, keep);
                UsableMemoryMB[h] = Usable.Memory(host.MemoryMB, keep);
                InService[h] = host.State == HostState.Connected && !maintenance.Contains(host.Name);
            }

            VMs = sortedInventory.VMs.ToArray();
            var vmIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            VmCpuDemand = new double[VMs.Length];
            for (int v = 0; v < VMs.Length; v++)
            {
                vmIndex[VMs[v].Name] = v;
                VmCpuDemand[v] = Usable.CpuDemand(VMs[v], options.AssumedCpuUsagePercent);
            }

            // Units: affinity groups by their ordinal-smallest member, then every other VM alone, in VM name order.
            var groups = new RuleConsistency.AffinityGroups(rules.Rules, vmIndex.ContainsKey);
            var unitOfVm = new int[VMs.Length];
            var unitByRoot = new Dictionary<string, int>(StringComparer.Ordinal);
            var members = new List<List<int>>();
            for (int v = 0; v < VMs.Length; v++)
            {
                var root = groups.Root(VMs[v].Name);
                if (!unitByRoot.TryGetValue(root, out var unit))
                {
                    unit = members.Count;
                    unitByRoot[root] = unit;
                    members.Add(new List<int>());
                }
                members[unit].Add(v);
                unitOfVm[v] = unit;
            }
            UnitCount = members.Count;
            UnitMembers = members.Select(m => m.ToArray()).ToArray();
            UnitCpu = new double[UnitCount];
            UnitMemoryMB = new long[UnitCount];
            UnitInitialHost = new int[UnitCount];
            UnitName = new string[UnitCount];
            UnitAffinityRule = new string?[UnitCount];
            for (int u = 0; u < UnitCount; u++)
            {
                int host = HostIndex[VMs[UnitMembers[u][0]].HostName];
                foreach (var v in UnitMembers[u])
                {
                    UnitCpu[u] += VmCpuDemand[v];
                    UnitMemoryMB[u] += VMs[v].MemoryMB;
                    if (HostIndex[VMs[v].HostName] != host) host = -1;
                }
                UnitInitialHost[u] = host;
                UnitName[u] = VMs[UnitMembers[u][0]].Name;
            }
            foreach (var rule in rules.Rules.Where(r => r.Kind == PlacementRuleKind.Affinity).OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                foreach (var vm in rule.VMs)
                {
                    if (vmIndex.TryGetValue(vm, out var v) && UnitAffinityRule[unitOfVm[v]] == null) UnitAffinityRule[unitOfVm[v]] = rule.Name;
                }
            }

            var conflicts = new SortedDictionary<int, string>[UnitCount];
            UnitAllowedHosts = new bool[]?[UnitCount];
            UnitAllowedRule = new string?[UnitCount];
            UnitPreferredHosts = new bool[]?[UnitCount];
            UnitPreferredRule = new string?[UnitCount];
            foreach (var rule in rules.Rules)
            {
                var units = rule.VMs.Where(vmIndex.ContainsKey).Select(vm => unitOfVm[vmIndex[vm]]).Distinct().OrderBy(u => u).ToList();
                switch (rule.Kind)
                {
                    case PlacementRuleKind.AntiAffinity:
                        foreach (var a in units)
                            foreach (var b in units)
                            {
                                if (a == b) continue;
                                var of = conflicts[a] ??= new SortedDictionary<int, string>();
                                if (!of.TryGetValue(b, out var named) || string.CompareOrdinal(rule.Name, named) < 0) of[b] = rule.Name;
                            }
                        break;
                    case PlacementRuleKind.MustRunOn:
                        foreach (var u in units)
                        {
                            var listed = HostMask(rule.Hosts);
                            var current = UnitAllowedHosts[u];
                            if (current == null) UnitAllowedHosts[u] = listed;
                            else for (int h = 0; h < HostCount; h++) current[h] &= listed[h];
                            UnitAllowedRule[u] = UnitAllowedRule[u] == null ? rule.Name : UnitAllowedRule[u] + "', '" + rule.Name;
                        }
                        break;
                    case PlacementRuleKind.MustNotRunOn:
                        foreach (var u in units)
                        {
                            var listed = HostMask(rule.Hosts);
                            var current = UnitAllowedHosts[u] ??= Enumerable.Repeat(true, HostCount).ToArray();
                            for (int h = 0; h < HostCount; h++) current[h] &= !listed[h];
                            UnitAllowedRule[u] = UnitAllowedRule[u] == null ? rule.Name : UnitAllowedRule[u] + "', '" + rule.Name;
                        }
                        break;
                    case PlacementRuleKind.ShouldRunOn:
                        foreach (var u in units)
                        {
                            var listed = HostMask(rule.Hosts);
                            var current = UnitPreferredHosts[u];
                            if (current == null) UnitPreferredHosts[u] = listed;
                            else for (int h = 0; h < HostCount; h++) current[h] |= listed[h];
                            UnitPreferredRule[u] ??= rule.Name;
                        }
                        break;
                }
            }
            UnitConflicts = conflicts.Select(c => c == null ? Array.Empty<int>() : c.Keys.ToArray()).ToArray();
            UnitConflictRules = conflicts.Select(c => c == null ? Array.Empty<string>() : c.Values.ToArray()).ToArray();
            PreferredDestination = HostMask(options.PreferredDestinations ?? Enumerable.Empty<string>());
            HasPreferredDestinations = PreferredDestination.Any(p => p);
        }

        /// <summary>The hosts a goal was given by name (-HostName), as a mask; a name not in the inventory is HostNotFound.</summary>
        public bool[] NamedHosts(IEnumerable<string> names)
        {
            var named = new bool[HostCount];
            foreach (var name in names)
            {
                if (!HostIndex.TryGetValue(name, out var h))
                    throw new MigrationException(ErrorIds.HostNotFound, ErrorKind.ObjectNotFound,
                        $"Host '{name}' is not in the inventory. Check the name with Get-MigrationHost.", name);
                named[h] = true;
            }
            return named;
        }

        public bool IsAllowed(int unit, int host) => UnitAllowedHosts[unit]?[host] ?? true;

        public bool IsPreferred(int unit, int host) => UnitPreferredHosts[unit]?[host] ?? false;

        /// <summary>A ShouldRunOn VM sitting on one of its preferred hosts only moves to another preferred host.</summary>
        public bool PreferenceAllows(int unit, int from, int to) =>
            UnitPreferredHosts[unit] == null || from < 0 || !UnitPreferredHosts[unit]![from] || UnitPreferredHosts[unit]![to];

        public string UnitDescription(int unit)
        {
            var names = UnitMembers[unit].Select(v => VMs[v].Name).ToList();
            return names.Count == 1 ? $"'{names[0]}'" : $"'{string.Join("', '", names)}' (affinity rule '{UnitAffinityRule[unit]}')";
        }

        private bool[] HostMask(IEnumerable<string> names)
        {
            var mask = new bool[HostCount];
            foreach (var name in names)
            {
                if (HostIndex.TryGetValue(name, out var h)) mask[h] = true;
            }
            return mask;
        }
    }
}
