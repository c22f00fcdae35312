using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    /// <summary>
    /// The cluster file a team keeps in version control: placement rules, host reserves and hosts held in maintenance.
    /// Rules that name VMs or hosts missing from an inventory are ignored for that inventory, because VMs come and go
    /// while the file stays.
    /// </summary>
    public sealed class ClusterRules
    {
        /// <summary>Reserve for hosts without their own entry in <see cref="HostReserves"/>.</summary>
        public double DefaultReservePercent { get; set; }
        public List<HostReserve> HostReserves { get; set; } = new List<HostReserve>();
        /// <summary>Hosts treated as in maintenance whatever the inventory says: never destinations.</summary>
        public List<string> MaintenanceHosts { get; set; } = new List<string>();
        [JsonRequired]
        public List<PlacementRule> Rules { get; set; } = new List<PlacementRule>();

        public double ReservePercentFor(string hostName)
        {
            foreach (var reserve in HostReserves)
            {
                if (string.Equals(reserve.HostName, hostName, StringComparison.Ordinal)) return reserve.ReservePercent;
            }
            return DefaultReservePercent;
        }

        /// <summary>Adds a rule after checking it alone and against the others; throws RuleConflict or InvalidArgument.</summary>
        public void Add(PlacementRule rule)
        {
            if (rule == null) throw new ArgumentNullException(nameof(rule));
            if (Rules.Any(r => string.Equals(r.Name, rule.Name, StringComparison.Ordinal)))
            {
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.ResourceExists,
                    $"A rule named '{rule.Name}' already exists. Remove it first or choose another name.", rule.Name);
            }
            var candidate = Clone();
            candidate.Rules.Add(rule);
            candidate.Validate();
            Rules.Add(rule);
        }

        /// <summary>Removes the named rule; returns false when there was none.</summary>
        public bool Remove(string ruleName) => Rules.RemoveAll(r => string.Equals(r.Name, ruleName, StringComparison.Ordinal)) > 0;

        /// <summary>
        /// Checks the rules on their own (names, shapes, reserves) and for contradictions that hold whatever the
        /// inventory: VMs both kept together and apart, or kept together but confined to disjoint hosts.
        /// </summary>
        public void Validate()
        {
            if (DefaultReservePercent < 0 || DefaultReservePercent >= 100)
                throw InvalidRules("DefaultReservePercent", "must be at least 0 and below 100.");
            for (int i = 0; i < HostReserves.Count; i++)
            {
                var reserve = HostReserves[i];
                if (string.IsNullOrEmpty(reserve?.HostName)) throw InvalidRules($"HostReserves[{i}].HostName", "is empty.");
                if (reserve!.ReservePercent < 0 || reserve.ReservePercent >= 100)
                    throw InvalidRules($"HostReserves[{i}].ReservePercent", $"must be at least 0 and below 100 (host '{reserve.HostName}').");
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < Rules.Count; i++)
            {
                var rule = Rules[i];
                string at = $"Rules[{i}]";
                if (rule == null) throw InvalidRules(at, "is null.");
                if (string.IsNullOrEmpty(rule.Name)) throw InvalidRules(at + ".Name", "is empty.");
                if (!names.Add(rule.Name)) throw InvalidRules(at + ".Name", $"'{rule.Name}' appears twice.");
                if (rule.VMs == null || rule.VMs.Count == 0) throw InvalidRules(at + ".VMs", $"of rule '{rule.Name}' is empty.");
                bool vmToVm = rule.Kind == PlacementRuleKind.Affinity || rule.Kind == PlacementRuleKind.AntiAffinity;
                if (vmToVm && rule.VMs.Count < 2) throw InvalidRules(at + ".VMs", $"of rule '{rule.Name}' needs at least two VMs.");
                if (!vmToVm && (rule.Hosts == null || rule.Hosts.Count == 0)) throw InvalidRules(at + ".Hosts", $"of rule '{rule.Name}' is empty.");
            }
            RuleConsistency.ThrowIfContradictory(this, inventory: null);
        }

        public ClusterRules Clone() => new ClusterRules
        {
            DefaultReservePercent = DefaultReservePercent,
            HostReserves = HostReserves.Select(r => new HostReserve { HostName = r.HostName, ReservePercent = r.ReservePercent }).ToList(),
            MaintenanceHosts = MaintenanceHosts.ToList(),
            Rules = Rules.Select(r => new PlacementRule { Name = r.Name, Kind = r.Kind, VMs = r.VMs.ToList(), Hosts = (r.Hosts ?? new List<string>()).ToList() }).ToList(),
        };

        private static MigrationException InvalidRules(string field, string problem) =>
            new MigrationException(ErrorIds.InvalidRules, ErrorKind.InvalidData, $"The cluster rules are invalid: {field} {problem}", field);
    }
}
