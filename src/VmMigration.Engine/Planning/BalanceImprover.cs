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
        /// <summary>Units that stay where they are (cooling down after a balance run); null when none.</summary>
        private readonly bool[]? held;
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
        private readonly bool[] parked;

        private BalanceImprover(PlacementModel model, CapacityLedger ledger, PlanningOptions options, long[] initialMemory, double[] initialCpu, IReadOnlyList<PlannedMove> moves,
            bool[] balanced, bool[]? movableFrom, bool[]? held)
        {
            this.held = held;
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
            parked = new bool[model.UnitCount];
        }

        /// <summary>
        /// Improves the greedy's result. Returns the moves (unit, destination) in an order that is valid one at a time,
        /// or null when nothing improved (the greedy's own order stands).
        /// </summary>
        public static List<(int Unit, int To)>? Improve(PlacementModel model, CapacityLedger ledger, PlanningOptions options,
            long[] initialMemory, double[] initialCpu, IReadOnlyList<PlannedMove> moves, bool[] balanced, bool[]? movableFrom, bool[]? held = null)
        {
            var search = new BalanceImprover(model, ledger, options, initialMemory, initialCpu, moves, balanced, movableFrom, held);
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

        /// <summary>The scarcer of a host's free CPU and memory, as a share of its capacity: how much more it can take.</summary>
        private double Room(int h) => Math.Min((model.UsableCpu[h] - cpu[h]) * inverseCpu[h], (model.UsableMemoryMB[h] - memory[h]) * inverseMemory[h]);

        private double Excess(int h) =>
            cpu[h] / model.CpuCapacity[h] - sumC / count + (double)memory[h] / model.MemoryCapacityMB[h] - sumM / count;

        // ---- Candidates -------------------------------------------------------------------------------------------

        private struct Candidate
        {
            public double Score;
            public int U1, T1, U2, T2, U3, T3;
        }

        private readonly Candidate[] buffer = new Candidate[CandidateBuffer];
        private int buffered;
        private double threshold, revertLimit;
        private long evaluations;

        /// <summary>Candidates whose placement no order of single moves reaches, as the placement stands; cleared when it changes.</summary>
        private readonly HashSet<(int, int, int, int, int, int)> unreachable = new HashSet<(int, int, int, int, int, int)>();

        private void Offer(double score, int u1, int t1, int u2, int t2, int u3 = -1, int t3 = -1)
        {
            if (score >= threshold) return;
            if (unreachable.Count > 0 && unreachable.Contains((u1, t1, u2, t2, u3, t3))) return;
            if (buffered == CandidateBuffer && score >= buffer[buffered - 1].Score) return;
            int i = buffered < CandidateBuffer ? buffered++ : CandidateBuffer - 1;
            while (i > 0 && buffer[i - 1].Score > score)
            {
                buffer[i] = buffer[i - 1];
                i--;
            }
            buffer[i] = new Candidate { Score = score, U1 = u1, T1 = t1, U2 = u2, T2 = t2, U3 = u3, T3 = t3 };
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
            origin[unit] >= 0 && (held == null || !held[unit]) && (movableFrom == null || movableFrom[origin[unit]]) && to != at[unit] && scored[to] && model.IsAllowed(unit, to)
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

        private void TryRotations(int a, int b, int c)
        {
            if (a == b || c == a || c == b) return;
            foreach (int u in hostUnits[a])
            {
                evaluations++;
                if (!Fits(c, model.UnitCpu[u], model.UnitMemoryMB[u])) continue;
                foreach (int w in hostUnits[b])
                {
                    evaluations++;
                    if (!Fits(a, model.UnitCpu[w] - model.UnitCpu[u], model.UnitMemoryMB[w] - model.UnitMemoryMB[u])) continue;
                    foreach (int x in hostUnits[c])
                        if (x != u && Fits(b, model.UnitCpu[x] - model.UnitCpu[w], model.UnitMemoryMB[x] - model.UnitMemoryMB[w])) TryRotation(u, c, w, a, x, b);
                }
            }
        }

        /// <summary>
        /// Three units go round three hosts: u from a to c (a host with room), w from b into u's place on a, x from c
        /// into w's place on b. Runs in that order on a full cluster where no pair can.
        /// </summary>
        private void TryRotation(int u, int c, int w, int a, int x, int b)
        {
            if (!MayGo(u, c) || !MayGo(w, a) || !MayGo(x, b)) return;
            if ((long)steps + CostOf(u, c) + CostOf(w, a) + CostOf(x, b) > options.MaxMoves) return;
            double cu = model.UnitCpu[u], cw = model.UnitCpu[w], cx = model.UnitCpu[x];
            long mu = model.UnitMemoryMB[u], mw = model.UnitMemoryMB[w], mx = model.UnitMemoryMB[x];
            evaluations++;
            double sc = sumC, ssc = sumSqC, sm = sumM, ssm = sumSqM;
            Shift(a, cw - cu, mw - mu, ref sc, ref ssc, ref sm, ref ssm);
            Shift(b, cx - cw, mx - mw, ref sc, ref ssc, ref sm, ref ssm);
            Shift(c, cu - cx, mu - mx, ref sc, ref ssc, ref sm, ref ssm);
            double score = Combine(sc, ssc, sm, ssm);
            if (score >= threshold) return;
            if (!Fits(a, Math.Max(0, cw - cu), Math.Max(0, mw - mu)) || !Fits(b, Math.Max(0, cx - cw), Math.Max(0, mx - mw)) || !Fits(c, Math.Max(0, cu - cx), Math.Max(0, mu - mx))) return;
            if (Conflicts(u, c, x, -1) || Conflicts(w, a, u, -1) || Conflicts(x, b, w, -1)) return;
            Offer(score, u, c, w, a, x, b);
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
        private const int MaxUnreachableRounds = 6;

        private bool Run()
        {
            if (count < 2) return false;
            bool small = model.UnitCount <= SmallUnits;
            bool improved = LocalSearch(small ? 3_000_000 : 6_000_000, rotations: true);
            if (!small || Value <= options.TargetScore) return improved;

            // Small instances: iterated local search. Take back one or two moves of the best plan, make as many random
            // moves, descend again; keep the result only when it beats the best so far. The generator has a fixed seed, and
            // effort is counted in rounds and evaluations, so the plan is the same on every run.
            var bestAt = (int[])at.Clone();
            double bestValue = Value;
            int bestSteps = MovesToRun();
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
                    // Parking moves count: a staged placement must pay for its extra moves with a real improvement.
                    int moves = MovesToRun();
                    bool better = moves > bestSteps ? Value < bestValue - options.MinScoreImprovement : Value < bestValue - 1e-12;
                    if (better || (Value <= bestValue + 1e-12 && moves < bestSteps))
                    {
                        Array.Copy(at, bestAt, at.Length);
                        bestValue = Value;
                        bestSteps = moves;
                        improved = true;
                        stale = -1;
                        continue;
                    }
                }
                for (int u = 0; u < model.UnitCount; u++) if (at[u] != bestAt[u]) Apply(u, bestAt[u]);
            }
            return improved;
        }

        private bool LocalSearch(long maxEvaluations, bool rotations = false)
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

            int chainSources = Math.Min(hosts, small ? 6 : 3), chainDestinations = Math.Min(hosts, small ? 6 : 4), roomyCount = Math.Min(hosts, 6);
            var sources = new int[sourceCount];
            var destinations = new int[destinationCount];
            var roomy = new int[roomyCount];
            var keys = new double[Math.Max(Math.Max(sourceCount, destinationCount), roomyCount)];
            var reverts = new List<(double Score, int Unit)>();
            bool improved = false;
            int unreachableRounds = 0;
            unreachable.Clear();

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

                int offered = buffered;
                bool accepted = AcceptBest();
                if (!accepted && !reduceOnly)
                {
                    // Chains only once nothing above helps: they are many, and their evaluations are better spent on
                    // the neighbourhoods above while those still find something.
                    buffered = 0;
                    // Chains: a loaded host's unit takes the place of a light host's unit, which goes to a host with room.
                    // On a full cluster neither half of the swap fits first; this pair runs in the order that fits
                    // (the one leaving the light host first), each unit moving once.
                    int nr = TopHosts.Find(hosts, roomyCount, h => scored[h], Room, roomy, keys);
                    for (int i = 0; i < ns && i < chainSources; i++)
                    {
                        int a = sources[i];
                        for (int j = 0; j < nd && j < chainDestinations; j++)
                        {
                            int b = destinations[j];
                            if (b == a) continue;
                            foreach (int u in hostUnits[a])
                                foreach (int w in hostUnits[b])
                                    for (int r = 0; r < nr; r++)
                                    {
                                        int c = roomy[r];
                                        if (c != a && c != b) TryPair(u, b, w, c);
                                    }
                        }
                    }

                    offered += buffered;
                    accepted = AcceptBest();
                }
                if (!accepted && !reduceOnly && rotations)
                {
                    // Rotations, last and only in the first descent (they are the dearest): a loaded host's unit goes
                    // to a host with room, a light host's unit takes its place, and a unit of the roomy host takes
                    // that one's. Pruned to those whose moves fit in turn; every unit looked at counts as effort.
                    buffered = 0;
                    int nr = TopHosts.Find(hosts, Math.Min(roomyCount, 3), h => scored[h], Room, roomy, keys);
                    for (int i = 0; i < ns && i < 2; i++)
                        for (int j = 0; j < nd && j < 3; j++)
                            for (int r = 0; r < nr && evaluations < maxEvaluations; r++)
                                TryRotations(sources[i], destinations[j], roomy[r]);
                    offered += buffered;
                    accepted = AcceptBest();
                }
                if (!accepted)
                {
                    // On a full cluster the best-looking changes are often swaps no order can run: look past them
                    // at the next best, a few rounds, before giving up.
                    if (offered == 0 || ++unreachableRounds > MaxUnreachableRounds) break;
                    continue;
                }
                unreachable.Clear();
                unreachableRounds = 0;
                improved = true;
            }
            return improved;
        }

        /// <summary>Applies the best buffered candidate whose placement some order of single moves reaches; the others are remembered as unreachable.</summary>
        private bool AcceptBest()
        {
            for (int c = 0; c < buffered; c++)
            {
                var candidate = buffer[c];
                int f1 = at[candidate.U1], f2 = candidate.U2 >= 0 ? at[candidate.U2] : -1, f3 = candidate.U3 >= 0 ? at[candidate.U3] : -1;
                Apply(candidate.U1, candidate.T1);
                if (candidate.U2 >= 0) Apply(candidate.U2, candidate.T2);
                if (candidate.U3 >= 0) Apply(candidate.U3, candidate.T3);
                if (Sequence() != null) return true;
                if (candidate.U3 >= 0) Apply(candidate.U3, f3);
                if (candidate.U2 >= 0) Apply(candidate.U2, f2);
                Apply(candidate.U1, f1);
                unreachable.Add((candidate.U1, candidate.T1, candidate.U2, candidate.T2, candidate.U3, candidate.T3));
            }
            return false;
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
        /// anti-affinity against the state left by the moves before it). With staging allowed, when every move left is
        /// blocked (a swap between full hosts), one unit parks on a host with room so that another can take its place,
        /// and goes on to its destination later: a swap through a third host, three moves. Null when this simple search
        /// finds no order.
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
            foreach (int u in pending) { seqAt[u] = origin[u]; parked[u] = false; }
            var result = new List<(int, int)>(pending.Count);
            int parkedMoves = 0;
            while (pending.Count > 0)
            {
                int kept = 0;
                for (int i = 0; i < pending.Count; i++)
                {
                    int u = pending[i], to = at[u];
                    if (CanRun(u, to))
                    {
                        Run(u, to);
                        result.Add((u, to));
                    }
                    else pending[kept++] = u;
                }
                if (kept == pending.Count)
                {
                    if (!options.AllowStaging || !Park(pending, result, ref parkedMoves)) return null;
                    continue;
                }
                pending.RemoveRange(kept, pending.Count - kept);
            }
            lastParkedMoves = parkedMoves;
            return result;
        }

        /// <summary>Moves the current placement takes to run, parking moves included (sequences it).</summary>
        private int MovesToRun() => Sequence() == null ? int.MaxValue : steps + lastParkedMoves;

        private int lastParkedMoves;

        private void Run(int u, int to)
        {
            int from = seqAt[u];
            seqMemory[from] -= model.UnitMemoryMB[u]; seqCpu[from] -= model.UnitCpu[u];
            seqMemory[to] += model.UnitMemoryMB[u]; seqCpu[to] += model.UnitCpu[u];
            seqAt[u] = to;
        }

        /// <summary>
        /// Parks one blocked unit, once, on the host with the most room where it may run, when that lets a unit waiting
        /// for its host move at once. The parking move counts against MaxMoves.
        /// </summary>
        private bool Park(List<int> pending, List<(int Unit, int To)> result, ref int parkedMoves)
        {
            foreach (int p in pending)
            {
                int host = seqAt[p];
                if (parked[p] || host != origin[p]) continue;
                int members = model.UnitMembers[p].Length;
                if ((long)steps + parkedMoves + members > options.MaxMoves) continue;
                bool awaited = false;
                foreach (int q in pending) if (q != p && at[q] == host) { awaited = true; break; }
                if (!awaited) continue;

                int best = -1;
                double bestRoom = double.MinValue;
                for (int c = 0; c < model.HostCount; c++)
                {
                    if (c == host || c == at[p] || !model.InService[c] || !model.IsAllowed(p, c) || !model.PreferenceAllows(p, origin[p], c)) continue;
                    if (!CanRun(p, c)) continue;
                    double room = Math.Min((model.UsableCpu[c] - seqCpu[c] - model.UnitCpu[p]) * inverseCpu[c],
                        (model.UsableMemoryMB[c] - seqMemory[c] - model.UnitMemoryMB[p]) * inverseMemory[c]);
                    if (room > bestRoom) { bestRoom = room; best = c; }
                }
                if (best < 0) continue;
                Run(p, best);
                bool unblocks = false;
                foreach (int q in pending) if (q != p && at[q] == host && CanRun(q, host)) { unblocks = true; break; }
                if (!unblocks)
                {
                    Run(p, host);
                    continue;
                }
                parked[p] = true;
                parkedMoves += members;
                result.Add((p, best));
                return true;
            }
            return false;
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
