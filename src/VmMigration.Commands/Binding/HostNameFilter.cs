using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>Selects connected hosts by names or wildcard patterns; a plain name that matches nothing is reported.</summary>
    internal static class HostNameFilter
    {
        public static IReadOnlyList<ConnectedHost> Select(IReadOnlyList<ConnectedHost> hosts, IEnumerable<string>? patterns, out IReadOnlyList<string> unmatched)
        {
            var missing = new List<string>();
            unmatched = missing;
            if (patterns == null)
            {
                return hosts;
            }
            var selected = new List<ConnectedHost>();
            foreach (var pattern in patterns)
            {
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                var matches = hosts.Where(h => wildcard.IsMatch(h.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    missing.Add(pattern);
                }
                selected.AddRange(matches.Where(m => !selected.Contains(m)));
            }
            return selected;
        }
    }
}
