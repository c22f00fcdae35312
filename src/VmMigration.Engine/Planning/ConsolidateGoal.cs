using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// Consolidate: empty as many hosts as possible. Hosts are tried least loaded first; a host is emptied only when all
    /// its VMs fit elsewhere (onto hosts late in the drain order, tightest fit in CPU and memory first, which keeps big holes for big VMs),
    /// otherwise its tentative moves are taken back. A host that received VMs is never emptied later, so no VM moves twice.
    /// </summary>
    internal static class ConsolidateGoal
    {
        public static GoalResult Plan(PlacementModel model, CapacityLedger ledger, PlanningOptions options)
        {
            var named = options.HostNames.Count > 0 ? model.NamedHosts(options.HostNames) : null;
            var drainable = new bool[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) drainable[h] = model.InService[h] && (named == null || named[h]);

            var initialMemory = (long[])ledger.UsedMemoryMB.Clone();
            var initialCpu = (double[])ledger.UsedCpu.Clone();
            var emptiable = new bool[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) emptiable[h] = drainable[h] && CanEmpty(model, ledger, h, 0, options.MaxMoves);
            var scored = (bool[])model.InService.Clone();
            var result = new GoalResult { ScoreBefore = new LoadScore(model, ledger, scored).Value };
            var order = Enumerable.Range(0, model.HostCount)
                .Where(h => drainable[h] && ledger.HostUnits[h].Count > 0)
                .OrderBy(h => (double)ledger.UsedMemoryMB[h] / model.MemoryCapacityMB[h] + ledger.UsedCpu[h] / model.CpuCapacity[h])
                .ThenBy(h => h)
                .ToList();
            // Hosts early in the drain order are the ones worth keeping empty-able: filling them costs a future free host.
            var rank = Enumerable.Repeat(-1, model.HostCount).ToArray();
            for (int i = 0; i < order.Count; i++) rank[order[i]] = i;

            // Two packing styles, each followed by the redirecting pass: tightest fit away from the next hosts to drain,
            // and first fit in host order (which piles VMs onto few hosts). The one that frees more (then moves less) wins.
            var freed = new bool[model.HostCount];
            Drain(model, ledger, options, result, freed, emptiable, order, rank, firstFit: false);
            var other = new GoalResult { ScoreBefore = result.ScoreBefore };
            var otherFreed = new bool[model.HostCount];
            for (int i = result.Moves.Count - 1; i >= 0; i--) ledger.Undo(result.Moves[i].Unit, result.Moves[i].From);
            Drain(model, ledger, options, other, otherFreed, emptiable, order, rank, firstFit: true);
            if (other.Hosts.Count > result.Hosts.Count || (other.Hosts.Count == result.Hosts.Count && other.StepCount < result.StepCount))
            {
                result = other;
                freed = otherFreed;
            }
            else
            {
                for (int i = other.Moves.Count - 1; i >= 0; i--) ledger.Undo(other.Moves[i].Unit, other.Moves[i].From);
                foreach (var move in result.Moves) ledger.Apply(move.Unit, move.To);
            }

            // Small clusters: look at every set of hosts to free; take it when it frees more, or as many with fewer moves.
            var packed = new ConsolidatePacker(model, initialMemory, initialCpu)
                .Search(drainable, h => emptiable[h], options.MaxMoves, result.Hosts.Count, result.StepCount);
            if (packed != null)
            {
                for (int i = result.Moves.Count - 1; i >= 0; i--) ledger.Undo(result.Moves[i].Unit, result.Moves[i].From);
                var repacked = new GoalResult { ScoreBefore = result.ScoreBefore };
                Array.Clear(freed, 0, freed.Length);
                foreach (var (unit, from, to) in packed)
                {
                    if (!ledger.CanMove(unit, to)) throw new InvalidOperationException($"Consolidation packing produced an invalid step for unit {model.UnitName[unit]}.");
                    ledger.Apply(unit, to);
                    repacked.Add(new PlannedMove(unit, from, to, PlanReasonCodes.Consolidate, string.Format(CultureInfo.InvariantCulture,
                        "Empties {0} so it can be switched off: {1} goes to {2}, the host it fills most tightly.",
                        model.HostNames[from], model.UnitDescription(unit), model.HostNames[to])), model);
                    if (!freed[from]) { freed[from] = true; repacked.Hosts.Add(model.HostNames[from]); }
                }
                result = repacked;
            }

            // A freed host is out of service afterwards: the spread is over the hosts that keep running.
            for (int h = 0; h < model.HostCount; h++) scored[h] = model.InService[h] && !freed[h];
            result.ScoreAfter = new LoadScore(model, ledger, scored).Value;
            result.Hosts.Sort(StringComparer.Ordinal);
            return result;
        }

        private static void Drain(PlacementModel model, CapacityLedger ledger, PlanningOptions options, GoalResult result, bool[] freed,
            bool[] emptiable, List<int> order, int[] rank, bool firstFit)
        {
            var received = new bool[model.HostCount];
            var tentative = new List<PlannedMove>();
            foreach (int host in order)
            {
                if (received[host] || !CanEmpty(model, ledger, host, result.StepCount, options.MaxMoves)) continue;
                tentative.Clear();
                bool emptied = true;
                var units = ledger.HostUnits[host].OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]).ThenBy(u => u).ToList();
                foreach (int unit in units)
                {
                    int to = firstFit ? FirstFit(model, ledger, unit, host, freed) : BestFit(model, ledger, unit, host, freed, rank);
                    if (to < 0) { emptied = false; break; }
                    ledger.Apply(unit, to);
                    tentative.Add(new PlannedMove(unit, host, to, PlanReasonCodes.Consolidate, string.Format(CultureInfo.InvariantCulture,
                        firstFit ? "Empties {0} so it can be switched off: {1} goes to {2}, the first host with room." : "Empties {0} so it can be switched off: {1} goes to {2}, the host it fills most tightly.",
                        model.HostNames[host], model.UnitDescription(unit), model.HostNames[to])));
                }
                if (!emptied)
                {
                    for (int i = tentative.Count - 1; i >= 0; i--) ledger.Undo(tentative[i].Unit, tentative[i].From);
                    continue;
                }
                foreach (var move in tentative) received[move.To] = true;
                foreach (var move in tentative) result.Add(move, model);
                freed[host] = true;
                result.Hosts.Add(model.HostNames[host]);
            }

            DrainReceivers(model, ledger, options, result, freed, emptiable, rank);
        }

        private static int FirstFit(PlacementModel model, CapacityLedger ledger, int unit, int from, bool[] freed)
        {
            for (int to = 0; to < model.HostCount; to++)
            {
                if (to == from || freed[to] || !model.PreferenceAllows(unit, from, to) || !ledger.CanMove(unit, to)) continue;
                return to;
            }
            return -1;
        }

        /// <summary>
        /// The first pass never empties a host that received VMs, because those VMs would move twice. They need not:
        /// a VM that went from freed host A to B can go from A straight to C instead. This pass tries to empty the hosts
        /// still running (least loaded first) by placing both their own VMs and the ones they received elsewhere,
        /// rewriting the received VMs' moves. Freed hosts still only lose VMs and the others only gain, so any order of
        /// the moves stays valid. Effort is bounded by a count of host checks.
        /// </summary>
        private static void DrainReceivers(PlacementModel model, CapacityLedger ledger, PlanningOptions options, GoalResult result,
            bool[] freed, bool[] emptiable, int[] rank)
        {
            long budget = 6_000_000;
            var moveOf = new Dictionary<int, int>();
            for (int i = 0; i < result.Moves.Count; i++) moveOf[result.Moves[i].Unit] = i;
            var hosts = Enumerable.Range(0, model.HostCount)
                .Where(h => emptiable[h] && !freed[h] && ledger.HostUnits[h].Count > 0)
                .OrderBy(h => (double)ledger.UsedMemoryMB[h] / model.MemoryCapacityMB[h] + ledger.UsedCpu[h] / model.CpuCapacity[h])
                .ThenBy(h => h)
                .ToList();
            var done = new List<(int Unit, int To)>();
            foreach (int host in hosts)
            {
                if (budget <= 0) break;
                int ownSteps = 0;
                foreach (int unit in ledger.HostUnits[host]) if (!ledger.Moved[unit]) ownSteps += model.UnitMembers[unit].Length;
                if ((long)result.StepCount + ownSteps > options.MaxMoves) continue;
                var units = ledger.HostUnits[host].OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]).ThenBy(u => u).ToList();
                done.Clear();
                bool emptied = true;
                foreach (int unit in units)
                {
                    int origin = model.UnitInitialHost[unit];
                    int best = -1;
                    double bestLeft = double.MaxValue;
                    budget -= model.HostCount;
                    for (int to = 0; to < model.HostCount; to++)
                    {
                        if (to == host || to == origin || freed[to] || !model.InService[to] || !model.IsAllowed(unit, to) || !model.PreferenceAllows(unit, origin, to)) continue;
                        if (!ledger.Fits(unit, to) || ledger.HasConflictOn(unit, to)) continue;
                        double left = (double)(model.UsableMemoryMB[to] - ledger.UsedMemoryMB[to] - model.UnitMemoryMB[unit]) / model.UsableMemoryMB[to]
                            + (model.UsableCpu[to] - ledger.UsedCpu[to] - model.UnitCpu[unit]) / model.UsableCpu[to];
                        if (left < bestLeft) { bestLeft = left; best = to; }
                    }
                    if (best < 0) { emptied = false; break; }
                    bool wasMoved = ledger.Moved[unit];
                    if (wasMoved) ledger.Undo(unit, origin);
                    ledger.Apply(unit, best);
                    done.Add((unit, best));
                }
                if (!emptied)
                {
                    for (int i = done.Count - 1; i >= 0; i--)
                    {
                        int unit = done[i].Unit;
                        if (moveOf.ContainsKey(unit))
                        {
                            ledger.Undo(unit, model.UnitInitialHost[unit]);
                            ledger.Apply(unit, host);
                        }
                        else ledger.Undo(unit, host);
                    }
                    continue;
                }
                foreach (var (unit, to) in done)
                {
                    int origin = model.UnitInitialHost[unit];
                    var move = new PlannedMove(unit, origin, to, PlanReasonCodes.Consolidate, string.Format(CultureInfo.InvariantCulture,
                        "Empties {0} so it can be switched off: {1} goes to {2}, the host it fills most tightly.",
                        model.HostNames[origin], model.UnitDescription(unit), model.HostNames[to]));
                    if (moveOf.TryGetValue(unit, out var index)) result.Moves[index] = move;
                    else
                    {
                        moveOf[unit] = result.Moves.Count;
                        result.Add(move, model);
                    }
                }
                freed[host] = true;
                result.Hosts.Add(model.HostNames[host]);
            }
        }

        private static bool CanEmpty(PlacementModel model, CapacityLedger ledger, int host, int stepsSoFar, int maxMoves)
        {
            int steps = 0;
            foreach (int unit in ledger.HostUnits[host])
            {
                // A VM on a host it should run on stays there; draining around it cannot free the host.
                if (model.UnitPreferredHosts[unit]?[host] == true) return false;
                steps += model.UnitMembers[unit].Length;
            }
            return stepsSoFar + steps <= maxMoves && !HasPinnedVMs(model, ledger, host);
        }

        /// <summary>Members of split affinity groups weigh on the host but belong to no unit that can move.</summary>
        private static bool HasPinnedVMs(PlacementModel model, CapacityLedger ledger, int host)
        {
            long unitMemory = 0;
            foreach (int unit in ledger.HostUnits[host]) unitMemory += model.UnitMemoryMB[unit];
            return unitMemory != ledger.UsedMemoryMB[host];
        }

        private static int BestFit(PlacementModel model, CapacityLedger ledger, int unit, int from, bool[] freed, int[] rank)
        {
            int best = -1;
            double bestLeft = double.MaxValue;
            for (int to = 0; to < model.HostCount; to++)
            {
                if (to == from || freed[to] || !model.PreferenceAllows(unit, from, to) || !ledger.CanMove(unit, to)) continue;
                // Slack in both resources, each relative to what the host may hold, so neither runs out first by accident.
                double left = (double)(model.UsableMemoryMB[to] - ledger.UsedMemoryMB[to] - model.UnitMemoryMB[unit]) / model.UsableMemoryMB[to]
                    + (model.UsableCpu[to] - ledger.UsedCpu[to] - model.UnitCpu[unit]) / model.UsableCpu[to];
                // Up to 4 for hosts next in the drain order (slack is at most 2): prefer hosts that will stay on anyway.
                left += rank[to] < 0 ? 0 : 4.0 * (1.0 - (double)rank[to] / rank.Length);
                if (left < bestLeft) { bestLeft = left; best = to; }
            }
            return best;
        }
    }
}
