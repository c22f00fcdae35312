using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// Consolidation as set packing, for clusters small enough to look at every choice of hosts to free: for each
    /// number of hosts (most first) and each set of that size (fewest VMs to move first), pack the VMs of the set into the
    /// hosts that stay on with best-fit decreasing, under several orders. The first set that packs wins.
    /// Freed hosts only lose VMs and the others only gain them, so the moves are valid in any order and each VM moves
    /// once. Deterministic: the enumeration order and every tie are fixed by host and unit indexes.
    /// </summary>
    internal sealed class ConsolidatePacker
    {
        public const int MaxHosts = 12;
        public const int MaxUnits = 600;
        private const long MaxPackAttempts = 40_000;

        private readonly PlacementModel model;
        private readonly long[] initialMemory;
        private readonly double[] initialCpu;
        private readonly List<int>[] initialUnits;
        private readonly long[] memory;
        private readonly double[] cpu;
        private readonly int[] at;
        private readonly bool[] free;
        private readonly double meanUsableMemory, meanUsableCpu;

        public ConsolidatePacker(PlacementModel model, long[] initialMemory, double[] initialCpu)
        {
            this.model = model;
            this.initialMemory = initialMemory;
            this.initialCpu = initialCpu;
            initialUnits = new List<int>[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) initialUnits[h] = new List<int>();
            for (int u = 0; u < model.UnitCount; u++) if (model.UnitInitialHost[u] >= 0) initialUnits[model.UnitInitialHost[u]].Add(u);
            memory = new long[model.HostCount];
            cpu = new double[model.HostCount];
            at = new int[model.UnitCount];
            free = new bool[model.HostCount];
            var inService = Enumerable.Range(0, model.HostCount).Where(h => model.InService[h]).ToList();
            meanUsableMemory = inService.Count == 0 ? 1 : Math.Max(1, inService.Average(h => (double)model.UsableMemoryMB[h]));
            meanUsableCpu = inService.Count == 0 ? 1 : Math.Max(1e-9, inService.Average(h => model.UsableCpu[h]));
        }

        /// <summary>
        /// The best set found that beats (more hosts, or as many with fewer moves) the given result, as moves; null if none.
        /// </summary>
        public List<(int Unit, int From, int To)>? Search(bool[] drainable, Func<int, bool> canEmpty, int maxMoves, int beatHosts, int beatMoves)
        {
            if (model.UnitCount > MaxUnits) return null;
            var candidates = Enumerable.Range(0, model.HostCount).Where(h => drainable[h] && initialUnits[h].Count > 0 && canEmpty(h)).ToList();
            if (candidates.Count == 0 || candidates.Count > MaxHosts) return null;
            var weight = candidates.Select(h => initialUnits[h].Sum(u => model.UnitMembers[u].Length)).ToArray();
            long attempts = 0;
            int n = candidates.Count;
            for (int k = n; k >= Math.Max(1, beatHosts); k--)
            {
                var sets = new List<(int Moves, int Mask)>();
                foreach (int mask in Combinations(n, k))
                {
                    int moves = 0;
                    for (int i = 0; i < n; i++) if ((mask & (1 << i)) != 0) moves += weight[i];
                    if (moves > maxMoves) continue;
                    if (k == beatHosts && moves >= beatMoves) continue;
                    // Quick bound: the room left on the hosts that stay on must hold what leaves the others.
                    long roomMemory = 0, leavingMemory = 0;
                    double roomCpu = 0, leavingCpu = 0;
                    for (int h = 0; h < model.HostCount; h++)
                    {
                        if (!model.InService[h]) continue;
                        int index = candidates.IndexOf(h);
                        if (index >= 0 && (mask & (1 << index)) != 0)
                        {
                            leavingMemory += initialMemory[h];
                            leavingCpu += initialCpu[h];
                            continue;
                        }
                        roomMemory += Math.Max(0, model.UsableMemoryMB[h] - initialMemory[h]);
                        roomCpu += Math.Max(0, model.UsableCpu[h] - initialCpu[h]);
                    }
                    if (roomMemory < leavingMemory || roomCpu + Usable.CpuTolerance < leavingCpu) continue;
                    sets.Add((moves, mask));
                }
                sets.Sort((a, b) => a.Moves != b.Moves ? a.Moves.CompareTo(b.Moves) : a.Mask.CompareTo(b.Mask));
                foreach (var set in sets)
                {
                    if (attempts++ >= MaxPackAttempts) return null;
                    Array.Clear(free, 0, free.Length);
                    for (int i = 0; i < n; i++) if ((set.Mask & (1 << i)) != 0) free[candidates[i]] = true;
                    var packed = PackAny();
                    if (packed != null) return packed;
                }
            }
            return null;
        }

        private static IEnumerable<int> Combinations(int n, int k)
        {
            // Gosper's hack: every n-bit mask with k bits set, in increasing order.
            if (k == 0 || k > n) yield break;
            int mask = (1 << k) - 1, limit = 1 << n;
            while (mask < limit)
            {
                yield return mask;
                int c = mask & -mask, r = mask + c;
                mask = (((r ^ mask) >> 2) / c) | r;
            }
        }

        private List<(int, int, int)>? PackAny()
        {
            var units = new List<int>();
            for (int h = 0; h < model.HostCount; h++) if (free[h]) units.AddRange(initialUnits[h]);
            for (int order = 0; order < 4; order++)
            {
                var sorted = Sorted(units, order);
                for (int fit = 0; fit < 2; fit++)
                {
                    var moves = Pack(sorted, fit);
                    if (moves != null) return moves;
                }
            }
            return null;
        }

        private List<int> Sorted(List<int> units, int order)
        {
            double Memory(int u) => model.UnitMemoryMB[u] / meanUsableMemory;
            double Cpu(int u) => model.UnitCpu[u] / meanUsableCpu;
            // Units with fewer allowed hosts or anti-affinity partners have fewer places to go.
            int Constraints(int u) => model.UnitConflicts[u].Length + (model.UnitAllowedHosts[u] != null ? 1 : 0) + (model.UnitPreferredHosts[u] != null ? 1 : 0);
            IOrderedEnumerable<int> ordered = order switch
            {
                0 => units.OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]),
                1 => units.OrderByDescending(u => model.UnitCpu[u]).ThenByDescending(u => model.UnitMemoryMB[u]),
                2 => units.OrderByDescending(u => Memory(u) + Cpu(u)),
                _ => units.OrderByDescending(Constraints).ThenByDescending(u => Math.Max(Memory(u), Cpu(u))),
            };
            return ordered.ThenBy(u => u).ToList();
        }

        private List<(int, int, int)>? Pack(List<int> units, int fit)
        {
            Array.Copy(initialMemory, memory, memory.Length);
            Array.Copy(initialCpu, cpu, cpu.Length);
            for (int u = 0; u < model.UnitCount; u++) at[u] = model.UnitInitialHost[u];
            foreach (int u in units) at[u] = -2; // in flight: on no host that matters yet
            var moves = new List<(int, int, int)>(units.Count);
            foreach (int u in units)
            {
                int from = model.UnitInitialHost[u], best = -1;
                double bestKey = double.MaxValue;
                for (int to = 0; to < model.HostCount; to++)
                {
                    if (free[to] || !model.InService[to] || !model.IsAllowed(u, to) || !model.PreferenceAllows(u, from, to)) continue;
                    long memoryLeft = model.UsableMemoryMB[to] - memory[to] - model.UnitMemoryMB[u];
                    double cpuLeft = model.UsableCpu[to] - cpu[to] - model.UnitCpu[u];
                    if (memoryLeft < 0 || cpuLeft < -Usable.CpuTolerance) continue;
                    double m = (double)memoryLeft / model.UsableMemoryMB[to], c = cpuLeft / model.UsableCpu[to];
                    double key = fit == 0 ? m + c : Math.Max(m, c);
                    if (key >= bestKey || Conflicts(u, to)) continue;
                    bestKey = key;
                    best = to;
                }
                if (best < 0) return null;
                memory[best] += model.UnitMemoryMB[u];
                cpu[best] += model.UnitCpu[u];
                at[u] = best;
                moves.Add((u, from, best));
            }
            return moves;
        }

        private bool Conflicts(int u, int to)
        {
            foreach (int other in model.UnitConflicts[u])
            {
                int where = at[other];
                if (where == to) return true;
                if (where == -1)
                {
                    foreach (int v in model.UnitMembers[other])
                        if (model.HostIndex[model.VMs[v].HostName] == to) return true;
                }
            }
            return false;
        }
    }
}
