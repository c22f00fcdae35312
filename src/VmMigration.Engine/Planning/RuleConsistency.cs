using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// Finds rules that cannot all hold at once and names them. Affinity is transitive (a with b, b with c keeps all three
    /// together), so contradictions are found on the merged groups, not rule by rule.
    /// </summary>
    internal static class RuleConsistency
    {
        /// <summary>Affinity groups: each VM name maps to its group's representative and the rules that formed the group.</summary>
        internal sealed class AffinityGroups
        {
            private readonly Dictionary<string, string> parent = new Dictionary<string, string>(StringComparer.Ordinal);

            public AffinityGroups(IEnumerable<PlacementRule> rules, Func<string, bool> vmExists)
            {
                foreach (var rule in rules.Where(r => r.Kind == PlacementRuleKind.Affinity))
                {
                    var present = rule.VMs.Where(vmExists).ToList();
                    for (int i = 1; i < present.Count; i++) Union(present[0], present[i]);
                }
            }

            public string Root(string vm)
            {
                if (!parent.TryGetValue(vm, out var p)) return vm;
                if (p == vm) return vm;
                var root = Root(p);
                parent[vm] = root;
                return root;
            }

            private void Union(string a, string b)
            {
                if (!parent.ContainsKey(a)) parent[a] = a;
                if (!parent.ContainsKey(b)) parent[b] = b;
                string ra = Root(a), rb = Root(b);
                if (ra == rb) return;
                // The ordinal-smaller name wins so group identity never depends on rule order.
                if (string.CompareOrdinal(ra, rb) < 0) parent[rb] = ra; else parent[ra] = rb;
            }
        }

        /// <summary>
        /// Throws RuleConflict naming the rules when VMs must be both together and apart, or a group of VMs kept together
        /// has no host all its members may run on. With an inventory, only VMs and hosts present in it count.
        /// </summary>
        public static void ThrowIfContradictory(ClusterRules rules, ClusterInventory? inventory)
        {
            HashSet<string>? vmNames = inventory == null ? null : new HashSet<string>(inventory.VMs.Select(v => v.Name), StringComparer.Ordinal);
            HashSet<string>? hostNames = inventory == null ? null : new HashSet<string>(inventory.Hosts.Select(h => h.Name), StringComparer.Ordinal);
            Func<string, bool> vmExists = vm => vmNames == null || vmNames.Contains(vm);
            var groups = new AffinityGroups(rules.Rules, vmExists);

            string AffinityRulesOf(string root) => string.Join("', '", rules.Rules
                .Where(r => r.Kind == PlacementRuleKind.Affinity && r.VMs.Any(v => vmExists(v) && groups.Root(v) == root))
                .Select(r => r.Name));

            foreach (var anti in rules.Rules.Where(r => r.Kind == PlacementRuleKind.AntiAffinity))
            {
                var present = anti.VMs.Where(vmExists).Distinct(StringComparer.Ordinal).ToList();
                var byGroup = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var vm in present)
                {
                    var root = groups.Root(vm);
                    if (byGroup.TryGetValue(root, out var other))
                    {
                        throw new MigrationException(ErrorIds.RuleConflict, ErrorKind.InvalidArgument,
                            $"Rules contradict each other: anti-affinity rule '{anti.Name}' keeps '{other}' and '{vm}' apart, " +
                            $"but affinity rule(s) '{AffinityRulesOf(root)}' keep them together. Remove or change one of them.", anti.Name);
                    }
                    byGroup[root] = vm;
                }
            }

            // Allowed hosts per group: the intersection of every MustRunOn, minus every MustNotRunOn of its members.
            var allowed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var forbidden = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var constrainingRules = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var rule in rules.Rules.Where(r => r.Kind == PlacementRuleKind.MustRunOn || r.Kind == PlacementRuleKind.MustNotRunOn))
            {
                var hosts = rule.Hosts.Where(h => hostNames == null || hostNames.Contains(h));
                foreach (var vm in rule.VMs.Where(vmExists))
                {
                    var root = groups.Root(vm);
                    if (!constrainingRules.TryGetValue(root, out var names)) constrainingRules[root] = names = new List<string>();
                    if (!names.Contains(rule.Name)) names.Add(rule.Name);
                    if (rule.Kind == PlacementRuleKind.MustRunOn)
                    {
                        if (allowed.TryGetValue(root, out var set)) set.IntersectWith(hosts);
                        else allowed[root] = new HashSet<string>(hosts, StringComparer.Ordinal);
                    }
                    else
                    {
                        if (!forbidden.TryGetValue(root, out var set)) forbidden[root] = set = new HashSet<string>(StringComparer.Ordinal);
                        set.UnionWith(hosts);
                    }
                }
            }
            foreach (var root in constrainingRules.Keys.OrderBy(k => k, StringComparer.Ordinal))
            {
                bool empty;
                if (allowed.TryGetValue(root, out var set))
                {
                    var remaining = new HashSet<string>(set, StringComparer.Ordinal);
                    if (forbidden.TryGetValue(root, out var no)) remaining.ExceptWith(no);
                    empty = remaining.Count == 0;
                }
                else
                {
                    // Only MustNotRunOn: contradictory when an inventory is known and every host is forbidden.
                    empty = hostNames != null && forbidden.TryGetValue(root, out var no) && hostNames.All(no.Contains);
                }
                if (!empty) continue;
                var involved = constrainingRules[root].ToList();
                var affinity = AffinityRulesOf(root);
                if (affinity.Length > 0) involved.Add(affinity);
                throw new MigrationException(ErrorIds.RuleConflict, ErrorKind.InvalidArgument,
                    $"Rules contradict each other: rules '{string.Join("', '", involved)}' leave VM '{root}'" +
                    (affinity.Length > 0 ? " and the VMs kept with it" : "") +
                    " no host to run on. Remove or change one of them.", involved[0]);
            }
        }
    }
}
