using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// The textbook baseline: largest VM first, to the first host in name order that fits and keeps the rules.
    /// It is what a careful script would do; the planner has to beat it on balance while keeping moves down.
    /// </summary>
    internal static class FirstFitDecreasingBaseline
    {
        public static void Evacuate(BenchClusterState state, IReadOnlyCollection<string> evacuated)
        {
            var groups = Enumerable.Range(0, state.Groups.Count)
                .Where(g => state.Groups[g].Any(v => evacuated.Contains(state.Location[v])))
                .OrderByDescending(state.GroupMemory).ToList();
            foreach (int g in groups)
            {
                var to = state.HostNames.FirstOrDefault(h => !evacuated.Contains(h) && state.CanMove(g, h));
                if (to != null) state.Move(g, to);
            }
        }

        /// <summary>From the most loaded host down: move its largest VMs to the first host that stays under the mean.</summary>
        public static void Balance(BenchClusterState state, int maxMoves)
        {
            var inService = state.HostNames.Where(h => state.InService[h]).ToList();
            double mean = inService.Average(state.Load);
            var groupsOn = GroupsByHost(state);
            foreach (var host in inService.OrderByDescending(state.Load).ToList())
            {
                if (state.Load(host) <= mean) break;
                foreach (int g in groupsOn[host].OrderByDescending(state.GroupMemory))
                {
                    if (state.Moves.Count >= maxMoves || state.Load(host) <= mean) break;
                    if (state.Groups[g].Count + state.Moves.Count > maxMoves) continue;
                    var to = inService.FirstOrDefault(h => state.Load(h) < mean && state.LoadWith(h, g, +1) <= mean && state.CanMove(g, h));
                    if (to != null) state.Move(g, to);
                }
            }
        }

        /// <summary>Least loaded hosts first: first-fit all their VMs elsewhere, or leave the host as it was.</summary>
        public static List<string> Consolidate(BenchClusterState state)
        {
            var freed = new List<string>();
            var freedSet = new HashSet<string>();
            var received = new HashSet<string>();
            var groupsOn = GroupsByHost(state);
            foreach (var host in state.HostNames.Where(h => state.InService[h] && groupsOn[h].Count > 0).OrderBy(state.Load).ToList())
            {
                if (received.Contains(host)) continue;
                var done = new List<(int Group, string To)>();
                bool emptied = true;
                foreach (int g in groupsOn[host].OrderByDescending(state.GroupMemory))
                {
                    var to = state.HostNames.FirstOrDefault(h => h != host && !freedSet.Contains(h) && state.CanMove(g, h));
                    if (to == null) { emptied = false; break; }
                    state.Move(g, to);
                    done.Add((g, to));
                }
                if (emptied && state.UsedMemory[host] == 0)
                {
                    freed.Add(host);
                    freedSet.Add(host);
                    foreach (var d in done) received.Add(d.To);
                }
                else
                {
                    foreach (var d in done) state.UndoLast(d.Group);
                }
            }
            return freed;
        }

        private static Dictionary<string, List<int>> GroupsByHost(BenchClusterState state)
        {
            var groupsOn = state.HostNames.ToDictionary(h => h, _ => new List<int>());
            for (int g = 0; g < state.Groups.Count; g++)
            {
                var host = state.GroupHost(g);
                if (host != null) groupsOn[host].Add(g);
            }
            return groupsOn;
        }
    }
}
