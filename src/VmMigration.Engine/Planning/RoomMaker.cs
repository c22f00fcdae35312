using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// Finds moves of other VMs that make room for a unit that fits on no host as the cluster stands. To give a host
    /// room it takes one or two units off it (every anti-affinity partner of the newcomer too), and each of those goes
    /// to a host that has room, or, a level deeper, to a host where room is made the same way (a chain). A unit being
    /// evacuated that already has a destination may be sent elsewhere at no cost (it moves anyway); any other unit that
    /// moves is a make-room move and counts. Chains with fewer moves are tried first (iterative deepening on the moves
    /// allowed), and among chains of as many moves the one moving the fewest bytes wins.
    /// Every move is checked against the ledger as it is applied, so the chain is valid in the order found; the search
    /// undoes whatever it tried and did not keep. Effort is counted in checks, never timed, so plans stay deterministic.
    /// </summary>
    internal sealed class RoomMaker
    {
        public enum Role { MakeRoom, Redirect, Target }

        /// <summary>One applied move: <see cref="For"/> is the unit it makes room for, <see cref="Root"/> the one the chain serves.</summary>
        public sealed class Step
        {
            public int Unit, From, To, For, Root;
            public Role Role;
            /// <summary>The unit had moved before in this plan (staging).</summary>
            public bool Again;
        }

        private const int MaxSetsPerHost = 6;
        private const int PairCandidates = 16;

        private readonly PlacementModel model;
        private readonly CapacityLedger ledger;
        private readonly LoadScore score;
        private readonly bool[] isDestination;
        private readonly int[] destinations;
        private readonly bool[] evacuee;
        private readonly bool[] locked;
        private readonly int[] moveCount;
        private readonly bool[] onPath;
        private readonly bool allowStaging;
        private readonly int maxDepth;
        private readonly List<Step> trail = new List<Step>();
        private readonly int[] hostBuffer;
        private readonly double[] keyBuffer;
        private long work;
        private long workLimit;
        private long totalWork;
        private readonly long totalWorkLimit;

        // What kept options out during the last failed search, for its reason.
        private readonly SortedSet<string> blockingRules = new SortedSet<string>(StringComparer.Ordinal);
        private bool blockedByStaging;
        private bool stoppedAtLimit;

        public RoomMaker(PlacementModel model, CapacityLedger ledger, LoadScore score, bool[] isDestination, bool[] evacuee, bool allowStaging)
        {
            this.model = model;
            this.ledger = ledger;
            this.score = score;
            this.isDestination = isDestination;
            this.evacuee = evacuee;
            this.allowStaging = allowStaging;
            destinations = Enumerable.Range(0, model.HostCount).Where(h => isDestination[h]).ToArray();
            locked = new bool[model.UnitCount];
            moveCount = new int[model.UnitCount];
            onPath = new bool[model.HostCount];
            hostBuffer = new int[8];
            keyBuffer = new double[8];
            // Deeper chains on small clusters, where each level costs little; a bounded total for the largest.
            maxDepth = destinations.Length <= 200 ? 3 : 2;
            totalWorkLimit = 20_000_000;
        }

        /// <summary>Moves committed so far, in the order they were applied (make-room moves, redirections and targets).</summary>
        public List<Step> Committed { get; } = new List<Step>();

        /// <summary>Keeps a unit where it is from now on (its reason names its destination).</summary>
        public void Lock(int unit) => locked[unit] = true;

        /// <summary>
        /// Places the unit with the fewest make-room moves (at most <paramref name="maxMoves"/> VMs), applying the chain to
        /// the ledger; false when no chain was found, with <see cref="Blocked"/> saying what stood in the way.
        /// </summary>
        public bool Place(int unit, int maxMoves, int maxClearMoves)
        {
            blockingRules.Clear();
            blockedByStaging = false;
            stoppedAtLimit = false;
            work = 0;
            workLimit = Math.Min(400_000, totalWorkLimit - totalWork);
            List<Step>? best = null;
            long bestMoves = long.MaxValue, bestBytes = long.MaxValue;
            void Consider(int mark)
            {
                Cost(mark, out long moves, out long bytes);
                if (moves < bestMoves || (moves == bestMoves && bytes < bestBytes))
                {
                    best = trail.GetRange(mark, trail.Count - mark).Select(Copy).ToList();
                    bestMoves = moves;
                    bestBytes = bytes;
                }
            }
            for (int limit = 0; limit <= maxMoves && best == null && !OutOfWork; limit++)
            {
                foreach (int host in Ranked(unit))
                {
                    if (OutOfWork) break;
                    int mark = trail.Count;
                    onPath[host] = true;
                    bool made = RoomOn(host, unit, maxDepth, limit, unit);
                    onPath[host] = false;
                    if (made && ledger.CanMove(unit, host))
                    {
                        Apply(unit, host, Role.Target, unit, unit);
                        Consider(mark);
                    }
                    UndoTo(mark);
                }
            }
            if (OutOfWork) stoppedAtLimit = true;
            // A VM too big for short chains (a host has to give up many VMs for it): clear room on one host, sending
            // what leaves it wherever it fits as things stand.
            if (best == null && maxClearMoves > maxMoves)
            {
                foreach (int host in Ranked(unit))
                {
                    int mark = trail.Count;
                    onPath[host] = true;
                    bool made = ClearOn(host, unit, maxClearMoves, unit);
                    onPath[host] = false;
                    if (made && ledger.CanMove(unit, host))
                    {
                        Apply(unit, host, Role.Target, unit, unit);
                        Consider(mark);
                    }
                    UndoTo(mark);
                }
            }
            totalWork += work;
            if (best == null) return false;
            // The undone state is the one the chain was found in, so it applies again step by step.
            foreach (var step in best) Apply(step.Unit, step.To, step.Role, step.For, step.Root);
            Committed.AddRange(trail);
            trail.Clear();
            // Evacuees keep the places the chain gave them; a VM that made room may move again only with staging.
            foreach (var step in best) if (step.Role != Role.MakeRoom) Lock(step.Unit);
            return true;
        }

        private int[] Ranked(int unit)
        {
            int count = RankHosts(unit, hostBuffer.Length, out var buffer);
            return buffer.Take(count).ToArray();
        }

        /// <summary>
        /// Takes units off <paramref name="host"/> one at a time, the one covering most of what is still missing first
        /// (evacuees first: they cost no move), each to where it fits as things stand, until the unit fits. True with
        /// the moves applied; false with nothing applied.
        /// </summary>
        private bool ClearOn(int host, int unit, int movesLeft, int root)
        {
            int mark = trail.Count;
            var candidates = new List<int>();
            foreach (int other in ledger.HostUnits[host]) if (other != unit && MayLeave(other)) candidates.Add(other);
            var conflicts = model.UnitConflicts[unit];
            for (int i = 0; i < conflicts.Length; i++)
            {
                int other = conflicts[i];
                if (ledger.UnitHost[other] != host) continue;
                if (!candidates.Contains(other) || !Relocate(other, 0, movesLeft - MovesSince(mark), unit, root))
                {
                    Note(model.UnitConflictRules[unit][i]);
                    UndoTo(mark);
                    return false;
                }
                candidates.Remove(other);
            }
            while (!ledger.Fits(unit, host))
            {
                work++;
                double needMemory = ledger.UsedMemoryMB[host] + model.UnitMemoryMB[unit] - model.UsableMemoryMB[host];
                double needCpu = ledger.UsedCpu[host] + model.UnitCpu[unit] - model.UsableCpu[host];
                int pick = -1;
                double pickValue = 0;
                foreach (int c in candidates)
                {
                    double value = (needMemory > 0 ? Math.Min(1, model.UnitMemoryMB[c] / needMemory) : 0) + (needCpu > 0 ? Math.Min(1, model.UnitCpu[c] / needCpu) : 0);
                    if (value <= 0) continue;
                    if (MovesOf(c) == 0) value += 2;   // an evacuee sent elsewhere costs no move
                    if (value > pickValue) { pickValue = value; pick = c; }
                }
                if (pick < 0) break;
                candidates.Remove(pick);
                if (MovesOf(pick) > movesLeft - MovesSince(mark)) continue;
                Relocate(pick, 0, movesLeft - MovesSince(mark), unit, root);
            }
            if (ledger.Fits(unit, host) && ledger.ConflictRuleOn(unit, host) == null) return true;
            UndoTo(mark);
            return false;
        }

        /// <summary>Why the last <see cref="Place"/> found nothing: rules that cut off chains, and whether staging or the search limit did.</summary>
        public string Blocked(int maxMoves, int maxClearMoves)
        {
            var text = $"and no sequence of up to {maxMoves} move(s) of other VMs on the remaining hosts makes room for it" +
                (maxClearMoves > maxMoves ? $", nor do up to {maxClearMoves} moves that clear room on one host" : "");
            if (blockingRules.Count > 0) text += $" without breaking rule(s) '{string.Join("', '", blockingRules)}'";
            if (blockedByStaging) text += "; some VMs that could make room already move once in this plan (-AllowStaging lets a VM move twice)";
            if (stoppedAtLimit) text += "; the search stopped at its effort limit";
            return text + ".";
        }

        private bool OutOfWork => work >= workLimit;

        /// <summary>
        /// Takes units off <paramref name="host"/> until <paramref name="unit"/> fits there with no anti-affinity partner.
        /// True with the evictions applied; false with nothing applied.
        /// </summary>
        private bool RoomOn(int host, int unit, int depth, int movesLeft, int root)
        {
            work++;
            var forced = new List<int>();
            var conflicts = model.UnitConflicts[unit];
            for (int i = 0; i < conflicts.Length; i++)
            {
                int other = conflicts[i];
                int at = ledger.UnitHost[other];
                if (at == host)
                {
                    if (!MayLeave(other)) { Note(model.UnitConflictRules[unit][i]); return false; }
                    forced.Add(other);
                }
                else if (at < 0 && model.UnitMembers[other].Any(v => model.HostIndex[model.VMs[v].HostName] == host))
                {
                    Note(model.UnitConflictRules[unit][i]);
                    return false;
                }
            }
            long needMemory = ledger.UsedMemoryMB[host] + model.UnitMemoryMB[unit] - model.UsableMemoryMB[host];
            double needCpu = ledger.UsedCpu[host] + model.UnitCpu[unit] - model.UsableCpu[host] - Usable.CpuTolerance;
            foreach (int f in forced) { needMemory -= model.UnitMemoryMB[f]; needCpu -= model.UnitCpu[f]; }

            var candidates = new List<int>();
            long movableMemory = 0;
            double movableCpu = 0;
            foreach (int other in ledger.HostUnits[host])
            {
                if (other == unit || forced.Contains(other)) continue;
                if (!MayLeave(other)) continue;
                candidates.Add(other);
                movableMemory += model.UnitMemoryMB[other];
                movableCpu += model.UnitCpu[other];
            }
            if (movableMemory < needMemory || movableCpu < needCpu) return false;

            var sets = EvictionSets(forced, candidates, needMemory, needCpu, movesLeft);
            foreach (var set in sets)
            {
                if (OutOfWork) { stoppedAtLimit = true; return false; }
                int mark = trail.Count;
                bool ok = true;
                // Largest first: it has the fewest places to go.
                foreach (int evicted in set.OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]).ThenBy(u => u))
                {
                    int left = movesLeft - MovesSince(mark);
                    if (!Relocate(evicted, depth - 1, left, unit, root)) { ok = false; break; }
                }
                if (ok && ledger.Fits(unit, host) && ledger.ConflictRuleOn(unit, host) == null) return true;
                UndoTo(mark);
            }
            return false;
        }

        /// <summary>Sets of units whose leaving makes room (forced partners plus none, one or two others), cheapest first.</summary>
        private List<List<int>> EvictionSets(List<int> forced, List<int> candidates, long needMemory, double needCpu, int movesLeft)
        {
            int forcedMoves = forced.Sum(MovesOf);
            long forcedBytes = forced.Sum(BytesOf);
            var sets = new List<(long Moves, long Bytes, int A, int B)>();
            if (forcedMoves > movesLeft) return new List<List<int>>();
            if (needMemory <= 0 && needCpu <= 0)
            {
                sets.Add((forcedMoves, forcedBytes, -1, -1));
            }
            else
            {
                foreach (int a in candidates)
                {
                    if (model.UnitMemoryMB[a] >= needMemory && model.UnitCpu[a] >= needCpu)
                        sets.Add((forcedMoves + MovesOf(a), forcedBytes + BytesOf(a), a, -1));
                }
                var large = candidates.OrderByDescending(u => Math.Max(needMemory > 0 ? (double)model.UnitMemoryMB[u] / needMemory : 0, needCpu > 0 ? model.UnitCpu[u] / needCpu : 0))
                    .ThenBy(u => u).Take(PairCandidates).ToList();
                for (int i = 0; i < large.Count; i++)
                {
                    int a = large[i];
                    if (model.UnitMemoryMB[a] >= needMemory && model.UnitCpu[a] >= needCpu) continue;   // alone it is enough
                    for (int j = i + 1; j < large.Count; j++)
                    {
                        int b = large[j];
                        if (model.UnitMemoryMB[b] >= needMemory && model.UnitCpu[b] >= needCpu) continue;
                        if (model.UnitMemoryMB[a] + model.UnitMemoryMB[b] < needMemory || model.UnitCpu[a] + model.UnitCpu[b] < needCpu) continue;
                        sets.Add((forcedMoves + MovesOf(a) + MovesOf(b), forcedBytes + BytesOf(a) + BytesOf(b), a, b));
                    }
                }
            }
            return sets.Where(s => s.Moves <= movesLeft)
                .OrderBy(s => s.Moves).ThenBy(s => s.Bytes).ThenBy(s => s.A).ThenBy(s => s.B)
                .Take(MaxSetsPerHost)
                .Select(s =>
                {
                    var set = new List<int>(forced);
                    if (s.A >= 0) set.Add(s.A);
                    if (s.B >= 0) set.Add(s.B);
                    return set;
                })
                .ToList();
        }

        /// <summary>Sends a unit off its host: where it fits now, else (depth left) where room is made for it.</summary>
        private bool Relocate(int unit, int depth, int movesLeft, int forUnit, int root)
        {
            if (MovesOf(unit) > movesLeft) return false;
            int from = ledger.UnitHost[unit];
            var role = evacuee[unit] ? Role.Redirect : Role.MakeRoom;
            int best = -1;
            double bestScore = double.MaxValue;
            foreach (int to in destinations)
            {
                work++;
                if (to == from || onPath[to] || !CanGo(unit, from, to, note: true) || !ledger.Fits(unit, to)) continue;
                double after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                if (after < bestScore) { bestScore = after; best = to; }
            }
            if (best >= 0)
            {
                Apply(unit, best, role, forUnit, root);
                return true;
            }
            if (depth <= 0) return false;
            int left = movesLeft - MovesOf(unit);
            onPath[from] = true;
            try
            {
                int count = RankHosts(unit, Math.Min(4, hostBuffer.Length), out var hosts);
                var ranked = hosts.Take(count).ToArray();
                foreach (int to in ranked)
                {
                    if (OutOfWork) { stoppedAtLimit = true; return false; }
                    int mark = trail.Count;
                    onPath[to] = true;
                    bool made = RoomOn(to, unit, depth, left, root);
                    onPath[to] = false;
                    if (made && ledger.Fits(unit, to) && ledger.ConflictRuleOn(unit, to) == null)
                    {
                        Apply(unit, to, role, forUnit, root);
                        return true;
                    }
                    UndoTo(mark);
                }
                return false;
            }
            finally
            {
                onPath[from] = false;
            }
        }

        /// <summary>
        /// Hosts where room could be made for the unit, smallest shortfall first: allowed, not on the chain, big enough
        /// empty. The result is in a shared buffer, so a caller copies it before searching deeper.
        /// </summary>
        private int RankHosts(int unit, int k, out int[] hosts)
        {
            int from = ledger.UnitHost[unit];
            long memory = model.UnitMemoryMB[unit];
            double cpu = model.UnitCpu[unit];
            hosts = hostBuffer;
            return TopHosts.Find(model.HostCount, k,
                h => isDestination[h] && h != from && !onPath[h] && CanGo(unit, from, h, note: true) && ledger.FitsEmpty(unit, h),
                h =>
                {
                    work++;
                    double memoryShort = Math.Max(0, ledger.UsedMemoryMB[h] + memory - model.UsableMemoryMB[h]) / (double)model.UsableMemoryMB[h];
                    double cpuShort = Math.Max(0, ledger.UsedCpu[h] + cpu - model.UsableCpu[h]) / Math.Max(1e-9, model.UsableCpu[h]);
                    return -(memoryShort + cpuShort);
                },
                hostBuffer, keyBuffer);
        }

        /// <summary>Rules only (capacity is the caller's): allowed, preference kept, no anti-affinity partner there.</summary>
        private bool CanGo(int unit, int from, int to, bool note)
        {
            if (!model.IsAllowed(unit, to))
            {
                if (note && model.UnitAllowedRule[unit] != null && ledger.Fits(unit, to)) Note(model.UnitAllowedRule[unit]!);
                return false;
            }
            // An evacuee still on its evacuated host leaves it whatever it prefers; once placed it keeps what it has.
            bool leavingEvacuatedHost = evacuee[unit] && from == model.UnitInitialHost[unit];
            if (!leavingEvacuatedHost && !model.PreferenceAllows(unit, from, to))
            {
                if (note && ledger.Fits(unit, to)) Note(model.UnitPreferredRule[unit]!);
                return false;
            }
            var rule = ledger.ConflictRuleOn(unit, to);
            if (rule != null)
            {
                if (note && ledger.Fits(unit, to)) Note(rule);
                return false;
            }
            return true;
        }

        /// <summary>
        /// May leave its host in this search: placed evacuees (not settled), and running VMs of the remaining hosts that
        /// have not moved yet (or moved once, with staging).
        /// </summary>
        private bool MayLeave(int unit)
        {
            if (locked[unit] || ledger.UnitHost[unit] < 0) return false;
            if (evacuee[unit]) return true;
            foreach (int v in model.UnitMembers[unit]) if (model.VMs[v].Stopped) return false;
            if (moveCount[unit] == 0) return true;
            if (allowStaging && moveCount[unit] < 2) return true;
            blockedByStaging = true;
            return false;
        }

        private int MovesOf(int unit) => evacuee[unit] ? 0 : model.UnitMembers[unit].Length;

        private long BytesOf(int unit) => evacuee[unit] ? 0 : model.UnitMemoryMB[unit];

        private int MovesSince(int mark)
        {
            int moves = 0;
            for (int i = mark; i < trail.Count; i++) if (trail[i].Role == Role.MakeRoom) moves += model.UnitMembers[trail[i].Unit].Length;
            return moves;
        }

        private void Cost(int mark, out long moves, out long bytes)
        {
            moves = 0;
            bytes = 0;
            for (int i = mark; i < trail.Count; i++)
            {
                if (trail[i].Role != Role.MakeRoom) continue;
                moves += model.UnitMembers[trail[i].Unit].Length;
                bytes += model.UnitMemoryMB[trail[i].Unit];
            }
        }

        private void Note(string rule) => blockingRules.Add(rule);

        private void Apply(int unit, int to, Role role, int forUnit, int root)
        {
            int from = ledger.UnitHost[unit];
            score.Move(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
            ledger.Relocate(unit, to);
            var step = new Step { Unit = unit, From = from, To = to, Role = role, For = forUnit, Root = root };
            if (role == Role.MakeRoom)
            {
                step.Again = moveCount[unit] > 0;
                moveCount[unit]++;
            }
            ledger.Moved[unit] = true;
            trail.Add(step);
        }

        private void UndoTo(int mark)
        {
            for (int i = trail.Count - 1; i >= mark; i--)
            {
                var step = trail[i];
                score.Move(ledger, step.To, step.From, model.UnitCpu[step.Unit], model.UnitMemoryMB[step.Unit]);
                ledger.Relocate(step.Unit, step.From);
                if (step.Role == Role.MakeRoom) moveCount[step.Unit]--;
                if (step.Role == Role.Target || (step.Role == Role.MakeRoom && moveCount[step.Unit] == 0)) ledger.Moved[step.Unit] = false;
            }
            trail.RemoveRange(mark, trail.Count - mark);
        }

        private static Step Copy(Step s) => new Step { Unit = s.Unit, From = s.From, To = s.To, For = s.For, Root = s.Root, Role = s.Role, Again = s.Again };
    }
}
