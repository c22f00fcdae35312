using System;
using System.Collections.Generic;

namespace VmMigration.Planning
{
    /// <summary>
    /// Local search after the Balance greedy. It works on the final placement (unit -> host), where a unit off its
    /// initial host counts as one move per member, and tries, best improvement first:
    /// single moves (a new move, a changed destination, or taking a move back), swaps of two units between a loaded and
    /// a light host, and replacements (take one move back, make another). Every candidate must leave the final placement
    /// within capacity and rules and within MaxMoves; an accepted one must also be reachable one move at a time from
    /// today's placement with every unit moving once (checked by <see cref="Sequence"/>), so the wave scheduler can always
    /// place it. Effort is bounded by iteration and evaluation counts scaled by instance size, never by the clock, so the
    /// result is deterministic.
    /// </summary>
    internal sealed class BalanceImprover
    {
        private const int CandidateBuffer = 12;

        private readonly PlacementModel model;
        private readonly PlanningOptions options;
        private readonly long[] initialMemory;
        private readonly double[] initialCpu;
        private readonly int[] origin;
        private readonly int[] at;
        private readonly double[] cpu;
        private readonly long[] memory;
        /// <summary>The hosts balanced: they give and take units, and their load is scored.</summary>
        private readonly bool[] scored;
        /// <summary>The hosts whose units may move at all; null when any may (no host was named).</summary>
        private readonly bool[]? movableFrom;
        private readonly int count;
        private double sumC, sumSqC, sumM, sumSqM;
        private int steps;
        /// <summary>Moved units in the order their moves were first decided.</summary>
        private readonly List<int> order = new List<int>();
        private readonly List<int>[] hostUnits;
        private readonly bool[] inOrder;
        private readonly double[] inverseCpu, inverseMemory;

        // Sequencing scratch.
        private readonly long[] seqMemory;
        private readonly double[] seqCpu;
        private readonly int[] seqAt;

        private BalanceImprover(PlacementModel model, CapacityLedger ledger, PlanningOptions options, long[] initialMemory, double[] initialCpu, IReadOnlyList<PlannedMove> moves,
            bool[] balanced, bool[]? movableFrom)
        {
            this.model = model;
            this.options = options;
            this.initialMemory = initialMemory;
            this.initialCpu = initialCpu;
            origin = model.UnitInitialHost;
            at = (int[])ledger.UnitHost.Clone();
            cpu = (double[])ledger.UsedCpu.Clone();
            memory = (long[])ledger.UsedMemoryMB.Clone();
            scored = balanced;
            this.movableFrom = movableFrom;
            hostUnits = new List<int>[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) hostUnits[h] = new List<int>();
            for (int u = 0; u < model.UnitCount; u++) if (at[u] >= 0) hostUnits[at[u]].Add(u);
            for (int h = 0; h < model.HostCount; h++)
            {
                if (!scored[h]) continue;
                count++;
                double c = cpu[h] / model.CpuCapacity[h], m = (double)memory[h] / model.MemoryCapacityMB[h];
                sumC += c; sumSqC += c * c; sumM += m; sumSqM += m * m;
            }
            inOrder = new bool[model.UnitCount];
            foreach (var move in moves)
            {
                order.Add(move.Unit);
                inOrder[move.Unit] = true;
                steps += model.UnitMembers[move.Unit].Length;
            }
            inverseCpu = new double[model.HostCount];
            inverseMemory = new double[model.HostCount];
            for (int h = 0; h < model.HostCount; h++)
            {
                inverseCpu[h] = 1.0 / model.CpuCapacity[h];
                inverseMemory[h] = 1.0 / model.MemoryCapacityMB[h];
            }
            seqMemory = new long[model.HostCount];
            seqCpu = new double[model.HostCount];
            seqAt = new int[model.UnitCount];
        }

        /// <summary>
        /// Improves the greedy's result. Returns the moves (unit, destination) in an order that is valid one at a time,
        /// or null when nothing improved (the greedy's own order stands).
        /// </summary>
        public static List<(int Unit, int To)>? Improve(PlacementModel model, CapacityLedger ledger, PlanningOptions options,
            long[] initialMemory, double[] initialCpu, IReadOnlyList<PlannedMove> moves, bool[] balanced, bool[]? movableFrom)
        {
            var search = new BalanceImprover(model, ledger, options, initialMemory, initialCpu, moves, balanced, movableFrom);
            return search.Run() ? search.Sequence() : null;
        }

        private double Value => Combine(sumC, sumSqC, sumM, sumSqM);

        private double Combine(double sc, double ssc, double sm, double ssm)
        {
            if (count == 0) return 0;
            double varC = Math.Max(0, ssc / count - (sc / count) * (sc / count));
            double varM = Math.Max(0, ssm / count - (sm / count) * (sm / count));
            return Math.Sqrt((varC + varM) / 2);
        }

        private double Excess(int h) =>
            cpu[h] / model.CpuCapacity[h] - sumC / count + (double)memory[h] / model.MemoryCapacityMB[h] - sumM / count;

        // ---- Candidates -------------------------------------------------------------------------------------------

        private struct Candidate
        {
            public double Score;
            public int U1, T1, U2, T2;
        }

        private readonly Candidate[] buffer = new Candidate[CandidateBuffer];
        private int buffered;
        private double threshold, revertLimit;
        private long evaluations;

        private void Offer(double score, int u1, int t1, int u2, int t2)
        {
            if (score >= threshold) return;
            if (buffered == CandidateBuffer && score >= buffer[buffered - 1].Score) return;
            int i = buffered < CandidateBuffer ? buffered++ : CandidateBuffer - 1;
            while (i > 0 && buffer[i - 1].Score > score)
            {
                buffer[i] = buffer[i - 1];
                i--;
            }
            buffer[i] = new Candidate { Score = score, U1 = u1, T1 = t1, U2 = u2, T2 = t2 };
        }

        /// <summary>Moves of a unit relative to today: + members when it starts moving, - when it goes home.</summary>
        private int CostOf(int unit, int to)
        {
            int m = model.UnitMembers[unit].Length;
            bool movedNow = at[unit] != origin[unit];
            bool movedAfter = to != origin[unit];
            return (movedAfter ? m : 0) - (movedNow ? m : 0);
        }

        private bool MayGo(int unit, int to) =>
            origin[unit] >= 0 && (movableFrom == null || movableFrom[origin[unit]]) && to != at[unit] && scored[to] && model.IsAllowed(unit, to)
            && model.PreferenceAllows(unit, origin[unit], to);

        private bool Conflicts(int unit, int host, int leaving, int arriving)
        {
            foreach (int other in model.UnitConflicts[unit])
            {
                if (other == arriving) return true;
                if (other == leaving) continue;
                int where = at[other];
                if (where == host) return true;
                if (where < 0)
                {
                    foreach (int v in model.UnitMembers[other])
                        if (model.HostIndex[model.VMs[v].HostName] == host) return true;
                }
            }
            return false;
        }

        private bool Fits(int host, double addCpu, long addMemory) =>
            memory[host] + addMemory <= model.UsableMemoryMB[host] && cpu[host] + addCpu <= model.UsableCpu[host] + Usable.CpuTolerance;

        private void Shift(int host, double dc, long dm, ref double sc, ref double ssc, ref double sm, ref double ssm)
        {
            if (!scored[host] || (dc == 0 && dm == 0)) return;
            // (new^2 - old^2) = delta * (2 old + delta): one multiplication less and no division.
            double oldC = cpu[host] * inverseCpu[host], deltaC = dc * inverseCpu[host];
            double oldM = memory[host] * inverseMemory[host], deltaM = dm * inverseMemory[host];
            sc += deltaC; ssc += deltaC * (2 * oldC + deltaC);
            sm += deltaM; ssm += deltaM * (2 * oldM + deltaM);
        }

        private void TrySingle(int u, int t)
        {
            if (!MayGo(u, t)) return;
            int cost = CostOf(u, t);
            if ((long)steps + cost > options.MaxMoves) return;
            double uc = model.UnitCpu[u];
            long um = model.UnitMemoryMB[u];
            int from = at[u];
            evaluations++;
            double sc = sumC, ssc = sumSqC, sm = sumM, ssm = sumSqM;
            Shift(from, -uc, -um, ref sc, ref ssc, ref sm, ref ssm);
            Shift(t, uc, um, ref sc, ref ssc, ref sm, ref ssm);
            double score = Combine(sc, ssc, sm, ssm);
            bool better = score < threshold;
            // Taking a move back at no loss is an improvement too (fewer moves): ranked just under the threshold.
            if (!better && !(cost < 0 && score <= revertLimit)) return;
            if (!Fits(t, uc, um) || Conflicts(u, t, -1, -1)) return;
            Offer(better ? score : threshold - 1e-12, u, t, -1, -1);
        }

        /// <summary>Two units change hosts at once (a swap, or a move taken back to pay for another).</summary>
        private void TryPair(int u1, int t1, int u2, int t2)
        {
            if (u1 == u2 || !MayGo(u1, t1) || !MayGo(u2, t2)) return;
            int cost = CostOf(u1, t1) + CostOf(u2, t2);
            if ((long)steps + cost > options.MaxMoves) return;
            int f1 = at[u1], f2 = at[u2];
            double c1 = model.UnitCpu[u1], c2 = model.UnitCpu[u2];
            long m1 = model.UnitMemoryMB[u1], m2 = model.UnitMemoryMB[u2];
            evaluations++;
            // Net change per distinct host (at most four).
            Span4 hosts = default;
            hosts.Add(f1, -c1, -m1); hosts.Add(t1, c1, m1); hosts.Add(f2, -c2, -m2); hosts.Add(t2, c2, m2);
            double sc = sumC, ssc = sumSqC, sm = sumM, ssm = sumSqM;
            for (int i = 0; i < hosts.Count; i++) Shift(hosts.Host(i), hosts.Cpu(i), hosts.Memory(i), ref sc, ref ssc, ref sm, ref ssm);
            double score = Combine(sc, ssc, sm, ssm);
            if (score >= threshold) return;
            for (int i = 0; i < hosts.Count; i++)
            {
                if ((hosts.Cpu(i) > 0 || hosts.Memory(i) > 0) && !Fits(hosts.Host(i), Math.Max(0, hosts.Cpu(i)), Math.Max(0, hosts.Memory(i)))) return;
                // A host whose net change is mixed still has to hold both resources.
                if (hosts.Cpu(i) > 0 != hosts.Memory(i) > 0 && !Fits(hosts.Host(i), hosts.Cpu(i), hosts.Memory(i))) return;
            }
            if (Conflicts(u1, t1, t1 == f2 ? u2 : -1, t2 == t1 ? u2 : -1)) return;
            if (Conflicts(u2, t2, t2 == f1 ? u1 : -1, t1 == t2 ? u1 : -1)) return;
            Offer(score, u1, t1, u2, t2);
        }

        private struct Span4
        {
            private int h0, h1, h2, h3;
            private double c0, c1, c2, c3;
            private long m0, m1, m2, m3;
            public int Count;

            public void Add(int host, double c, long m)
            {
                for (int i = 0; i < Count; i++)
                {
                    if (Host(i) != host) continue;
                    switch (i)
                    {
                        case 0: c0 += c; m0 += m; break;
                        case 1: c1 += c; m1 += m; break;
                        case 2: c2 += c; m2 += m; break;
                        default: c3 += c; m3 += m; break;
                    }
                    return;
                }
                switch (Count)
                {
                    case 0: h0 = host; c0 = c; m0 = m; break;
                    case 1: h1 = host; c1 = c; m1 = m; break;
                    case 2: h2 = host; c2 = c; m2 = m; break;
                    default: h3 = host; c3 = c; m3 = m; break;
                }
                Count++;
            }

            public int Host(int i) => i == 0 ? h0 : i == 1 ? h1 : i == 2 ? h2 : h3;
            public double Cpu(int i) => i == 0 ? c0 : i == 1 ? c1 : i == 2 ? c2 : c3;
            public long Memory(int i) => i == 0 ? m0 : i == 1 ? m1 : i == 2 ? m2 : m3;
        }

        // ---- Search ---------------------------------------------------------------------------------------------------

        private const int SmallUnits = 400;

        private bool Run()
        {
            if (count < 2) return false;
            bool small = model.UnitCount <= SmallUnits;
            bool improved = LocalSearch(small ? 3_000_000 : 2_000_000);
            if (!small || Value <= options.TargetScore) return improved;

            // Small instances: iterated local search. Take back one or two moves of the best plan, make as many random
            // moves, descend again; keep the result only when it beats the best so far. The generator has a fixed seed, and
            // effort is counted in rounds and evaluations, so the plan is the same on every run.
            var bestAt = (int[])at.Clone();
            double bestValue = Value;
            int bestSteps = steps;
            uint state = 0x9E3779B9u;
            int Next(int bound)
            {
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                return (int)(state % (uint)bound);
            }
            long budget = evaluations + Math.Min(6_000_000L, 48_000L * model.UnitCount);
            var moved = new List<int>();
            for (int round = 0, stale = 0; round < 250 && stale < 150 && evaluations < budget; round++, stale++)
            {
                moved.Clear();
                foreach (int u in order) if (at[u] != origin[u]) moved.Add(u);
                int take = moved.Count == 0 ? 0 : 1 + Next(Math.Min(2, moved.Count));
                for (int i = 0; i < take; i++)
                {
                    int pick = i + Next(moved.Count - i);
                    (moved[i], moved[pick]) = (moved[pick], moved[i]);
                    int u = moved[i], home = origin[u];
                    if (Fits(home, model.UnitCpu[u], model.UnitMemoryMB[u]) && !Conflicts(u, home, -1, -1)) Apply(u, home);
                }
                for (int i = 0, tries = 0; i < Math.Max(1, take) && tries < 50; tries++)
                {
                    int u = Next(model.UnitCount), to = Next(model.HostCount);
                    if (!MayGo(u, to) || (long)steps + CostOf(u, to) > options.MaxMoves) continue;
                    if (!Fits(to, model.UnitCpu[u], model.UnitMemoryMB[u]) || Conflicts(u, to, -1, -1)) continue;
                    Apply(u, to);
                    i++;
                }
                if (Sequence() != null)
                {
                    LocalSearch(budget);
                    if (Value < bestValue - 1e-12 || (Value <= bestValue + 1e-12 && steps < bestSteps))
                    {
                        Array.Copy(at, bestAt, at.Length);
                        bestValue = Value;
                        bestSteps = steps;
                        improved = true;
                        stale = -1;
                        continue;
                    }
                }
                for (int u = 0; u < model.UnitCount; u++) if (at[u] != bestAt[u]) Apply(u, bestAt[u]);
            }
            return improved;
        }

        private bool LocalSearch(long maxEvaluations)
        {
            int hosts = model.HostCount;
            // Small instances get full neighbourhoods; large ones look at the most and least loaded hosts only.
            bool small = model.UnitCount <= SmallUnits;
            int sourceCount = small ? hosts : Math.Min(hosts, 8);
            int destinationCount = small ? hosts : Math.Min(hosts, 16);
            int swapSources = small ? hosts : Math.Min(hosts, 3), swapDestinations = small ? hosts : Math.Min(hosts, 4);
            int replaceSources = small ? hosts : Math.Min(hosts, 4), replaceDestinations = small ? hosts : Math.Min(hosts, 8);
            int revertCount = small ? int.MaxValue : 8;
            // Deterministic effort: iterations and evaluations scale with the instance, not with the clock.
            int maxIterations = 2 * Math.Min(options.MaxMoves, model.UnitCount) + 50;

            var sources = new int[sourceCount];
            var destinations = new int[destinationCount];
            var keys = new double[Math.Max(sourceCount, destinationCount)];
            var reverts = new List<(double Score, int Unit)>();
            bool improved = false;

            for (int iteration = 0; iteration < maxIterations && evaluations < maxEvaluations; iteration++)
            {
                if (Value <= options.TargetScore && steps == 0) break;
                int ns = TopHosts.Find(hosts, sourceCount, h => scored[h], Excess, sources, keys);
                int nd = TopHosts.Find(hosts, destinationCount, h => scored[h], h => -Excess(h), destinations, keys);
                double current = Value;
                bool reduceOnly = current <= options.TargetScore;
                // Improving: strictly better by MinScoreImprovement, or as good with fewer moves. At the target already:
                // only take moves back, as long as the score stays at the target.
                threshold = reduceOnly ? options.TargetScore + 1e-12 : current - options.MinScoreImprovement;
                revertLimit = reduceOnly ? options.TargetScore : current;
                buffered = 0;

                // Moves taken back or redirected.
                foreach (int u in order)
                {
                    if (at[u] == origin[u]) continue;
                    TrySingle(u, origin[u]);
                    if (reduceOnly) continue;
                    for (int j = 0; j < nd; j++) TrySingle(u, destinations[j]);
                }
                if (!reduceOnly)
                {
                    // New moves from loaded hosts to light ones.
                    for (int i = 0; i < ns; i++)
                        foreach (int u in hostUnits[sources[i]])
                            for (int j = 0; j < nd; j++) TrySingle(u, destinations[j]);

                    // Swaps between a loaded and a light host.
                    for (int i = 0; i < ns && i < swapSources; i++)
                    {
                        int a = sources[i];
                        for (int j = 0; j < nd && j < swapDestinations; j++)
                        {
                            int b = destinations[j];
                            if (b == a) continue;
                            foreach (int u in hostUnits[a])
                                foreach (int w in hostUnits[b])
                                    TryPair(u, b, w, a);
                        }
                    }

                    // Replacements: the cheapest moves to take back, each paired with a new move.
                    reverts.Clear();
                    foreach (int u in order)
                    {
                        if (at[u] == origin[u]) continue;
                        reverts.Add((IfSingle(u, origin[u]), u));
                    }
                    reverts.Sort((x, y) => x.Score != y.Score ? x.Score.CompareTo(y.Score) : x.Unit.CompareTo(y.Unit));
                    for (int r = 0; r < reverts.Count && r < revertCount; r++)
                    {
                        int back = reverts[r].Unit;
                        for (int i = 0; i < ns && i < replaceSources; i++)
                            foreach (int u in hostUnits[sources[i]])
                                for (int j = 0; j < nd && j < replaceDestinations; j++) TryPair(back, origin[back], u, destinations[j]);
                    }
                }

                bool accepted = false;
                for (int c = 0; c < buffered && !accepted; c++)
                {
                    var candidate = buffer[c];
                    int f1 = at[candidate.U1], f2 = candidate.U2 >= 0 ? at[candidate.U2] : -1;
                    Apply(candidate.U1, candidate.T1);
                    if (candidate.U2 >= 0) Apply(candidate.U2, candidate.T2);
                    if (Sequence() != null) { accepted = true; break; }
                    if (candidate.U2 >= 0) Apply(candidate.U2, f2);
                    Apply(candidate.U1, f1);
                }
                if (!accepted) break;
                improved = true;
            }
            return improved;
        }

        private double IfSingle(int u, int t)
        {
            double sc = sumC, ssc = sumSqC, sm = sumM, ssm = sumSqM;
            Shift(at[u], -model.UnitCpu[u], -model.UnitMemoryMB[u], ref sc, ref ssc, ref sm, ref ssm);
            Shift(t, model.UnitCpu[u], model.UnitMemoryMB[u], ref sc, ref ssc, ref sm, ref ssm);
            return Combine(sc, ssc, sm, ssm);
        }

        private void Apply(int u, int t)
        {
            int from = at[u];
            double uc = model.UnitCpu[u];
            long um = model.UnitMemoryMB[u];
            steps += CostOf(u, t);
            Shift(from, -uc, -um, ref sumC, ref sumSqC, ref sumM, ref sumSqM);
            cpu[from] -= uc; memory[from] -= um;
            Shift(t, uc, um, ref sumC, ref sumSqC, ref sumM, ref sumSqM);
            cpu[t] += uc; memory[t] += um;
            var list = hostUnits[from];
            int index = list.IndexOf(u);
            list[index] = list[list.Count - 1];
            list.RemoveAt(list.Count - 1);
            hostUnits[t].Add(u);
            at[u] = t;
            if (t != origin[u] && !inOrder[u]) { inOrder[u] = true; order.Add(u); }
        }

        /// <summary>
        /// An order in which every unit off its initial host gets there in one move, each valid when it runs (capacity and
        /// anti-affinity against the state left by the moves before it). Null when this simple search finds none.
        /// </summary>
        private List<(int Unit, int To)>? Sequence()
        {
            Array.Copy(initialMemory, seqMemory, seqMemory.Length);
            Array.Copy(initialCpu, seqCpu, seqCpu.Length);
            var pending = new List<int>();
            foreach (int u in order)
            {
                if (at[u] == origin[u]) continue;
                pending.Add(u);
            }
            foreach (int u in pending) seqAt[u] = origin[u];
            var result = new List<(int, int)>(pending.Count);
            while (pending.Count > 0)
            {
                int kept = 0;
                for (int i = 0; i < pending.Count; i++)
                {
                    int u = pending[i], to = at[u];
                    if (CanRun(u, to))
                    {
                        int from = origin[u];
                        seqMemory[from] -= model.UnitMemoryMB[u]; seqCpu[from] -= model.UnitCpu[u];
                        seqMemory[to] += model.UnitMemoryMB[u]; seqCpu[to] += model.UnitCpu[u];
                        seqAt[u] = to;
                        result.Add((u, to));
                    }
                    else pending[kept++] = u;
                }
                if (kept == pending.Count) return null;
                pending.RemoveRange(kept, pending.Count - kept);
            }
            return result;
        }

        private bool CanRun(int u, int to)
        {
            if (seqMemory[to] + model.UnitMemoryMB[u] > model.UsableMemoryMB[to]) return false;
            if (seqCpu[to] + model.UnitCpu[u] > model.UsableCpu[to] + Usable.CpuTolerance) return false;
            foreach (int other in model.UnitConflicts[u])
            {
                int where = origin[other];
                if (where < 0)
                {
                    foreach (int v in model.UnitMembers[other])
                        if (model.HostIndex[model.VMs[v].HostName] == to) return false;
                    continue;
                }
                if (at[other] != origin[other]) where = seqAt[other];
                if (where == to) return false;
            }
            return true;
        }
    }
}
