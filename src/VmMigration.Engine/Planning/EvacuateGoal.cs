using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// Evacuate: every VM off the named hosts. Largest units first (they have the fewest places to go), each to the
    /// allowed destination that keeps the remaining hosts' load most even; preferred (ShouldRunOn) hosts win when
    /// any has room. A unit that fits nowhere gets room made for it by moving other VMs of the remaining hosts
    /// (<see cref="RoomMaker"/>); one for which no such chain exists is reported with what blocks it, never dropped silently.
    /// </summary>
    internal static class EvacuateGoal
    {
        public static GoalResult Plan(PlacementModel model, CapacityLedger ledger, PlanningOptions options)
        {
            var evacuated = model.NamedHosts(options.HostNames);
            if (options.HostNames.Count == 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "Evacuate needs at least one host name (-HostName).");
            var remaining = Enumerable.Range(0, model.HostCount).Where(h => model.InService[h] && !evacuated[h]).ToArray();
            if (remaining.Length == 0)
                throw new MigrationException(ErrorIds.CannotEvacuateAllHosts, ErrorKind.InvalidArgument,
                    $"Evacuating {string.Join(", ", options.HostNames)} would leave no host in service to take their VMs. Leave at least one host out.",
                    string.Join(",", options.HostNames));

            double scoreBefore = new LoadScore(model, ledger, (bool[])model.InService.Clone()).Value;
            var units = Enumerable.Range(0, model.UnitCount)
                .Where(u => model.UnitMembers[u].Any(v => evacuated[model.HostIndex[model.VMs[v].HostName]]))
                .OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]).ThenBy(u => u)
                .ToList();
            long freeMemory = remaining.Sum(h => Math.Max(0, model.UsableMemoryMB[h] - ledger.UsedMemoryMB[h]));
            double freeCpu = remaining.Sum(h => Math.Max(0, model.UsableCpu[h] - ledger.UsedCpu[h]));
            var first = Attempt(model, ledger, options, evacuated, remaining, units, scoreBefore);
            if (first.Unplaced.Count == 0 || options.MoveOnlyEvacuatedVMs) return first;

            // Not everything fits: largest first places the most memory, not the most VMs. Smallest first (measured
            // against what the remaining hosts have free) strands fewer when room runs out; the better plan is kept.
            double Share(int u) => Math.Max(model.UnitMemoryMB[u] / Math.Max(1.0, freeMemory), model.UnitCpu[u] / Math.Max(1e-9, freeCpu));
            var smallFirst = units.OrderBy(Share).ThenBy(u => u).ToList();
            var second = Attempt(model, new CapacityLedger(model), options, evacuated, remaining, smallFirst, scoreBefore);
            return Better(second, first) ? second : first;
        }

        /// <summary>Fewer VMs left behind, then fewer steps, then a more even load.</summary>
        private static bool Better(GoalResult a, GoalResult b)
        {
            if (a.Unplaced.Count != b.Unplaced.Count) return a.Unplaced.Count < b.Unplaced.Count;
            if (a.StepCount != b.StepCount) return a.StepCount < b.StepCount;
            return a.ScoreAfter < b.ScoreAfter - 1e-12;
        }

        /// <summary>One placement of the evacuated units in the given order, with make-room moves for those that fit nowhere.</summary>
        private static GoalResult Attempt(PlacementModel model, CapacityLedger ledger, PlanningOptions options, bool[] evacuated, int[] remaining,
            List<int> units, double scoreBefore)
        {
            var scored = new bool[model.HostCount];
            foreach (var h in remaining) scored[h] = true;
            var score = new LoadScore(model, ledger, scored);
            var result = new GoalResult { ScoreBefore = scoreBefore };
            result.Hosts.AddRange(options.HostNames.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal));
            var placed = new List<Placement>();
            var waiting = new List<int>();
            int stepCount = 0;
            foreach (int unit in units)
            {
                int from = ledger.UnitHost[unit];
                if (from < 0)
                {
                    Unplace(model, result, unit, ErrorIds.RuleConflict,
                        $"Its affinity group (rule '{model.UnitAffinityRule[unit]}') is split across hosts today, so no single move keeps the rule. Reunite the group first.",
                        onlyOn: evacuated);
                    continue;
                }
                if (stepCount + model.UnitMembers[unit].Length > options.MaxMoves)
                {
                    Unplace(model, result, unit, PlanReasonCodes.MaxMovesReached, $"The plan reached MaxMoves ({options.MaxMoves}) before this VM; raise -MaxMoves.");
                    continue;
                }
                int to = ChooseDestination(model, ledger, score, remaining, unit, from, out bool preferredMissed);
                if (to < 0)
                {
                    var code = WhyNoDestination(model, ledger, remaining, unit, out var why, out bool roomCouldHelp);
                    // Room made for it later, once every unit that fits as things stand has its place.
                    if (roomCouldHelp && !options.MoveOnlyEvacuatedVMs) waiting.Add(unit);
                    else Unplace(model, result, unit, code, why);
                    continue;
                }
                score.Move(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                ledger.Apply(unit, to);
                placed.Add(new Placement { Unit = unit, From = from, To = to, PreferredMissed = preferredMissed });
                stepCount += model.UnitMembers[unit].Length;
            }
            ImproveByReinsertion(model, ledger, score, remaining, placed);
            var makeRoom = MakeRoom(model, ledger, score, options, remaining, evacuated, placed, waiting, result, ref stepCount);

            foreach (var step in makeRoom)
                result.Add(new PlannedMove(step.Unit, step.From, step.To, PlanReasonCodes.MakeRoom, MakeRoomText(model, step, evacuated)), model);
            foreach (var p in placed)
            {
                string text;
                if (p.MadeRoom && p.Chain > 0)
                    text = string.Format(CultureInfo.InvariantCulture,
                        "Evacuating {0}: {1} goes to {2} once {3} move(s) of other VMs make room there; no host had room for it as the cluster stood.",
                        model.HostNames[p.From], model.UnitDescription(p.Unit), model.HostNames[p.To], p.Chain);
                else if (p.MadeRoom)
                    text = string.Format(CultureInfo.InvariantCulture,
                        "Evacuating {0}: {1} goes to {2}, where other evacuated VMs give up their places for it; no host had room for it as the cluster stood.",
                        model.HostNames[p.From], model.UnitDescription(p.Unit), model.HostNames[p.To]);
                else if (p.RedirectedFor >= 0)
                    text = string.Format(CultureInfo.InvariantCulture,
                        "Evacuating {0}: {1} goes to {2} rather than where it first fit, to make room for {3}.",
                        model.HostNames[p.From], model.UnitDescription(p.Unit), model.HostNames[p.To], model.UnitDescription(p.RedirectedFor));
                else
                    text = string.Format(CultureInfo.InvariantCulture,
                        "Evacuating {0}: {1} goes to {2}, the allowed destination that keeps the remaining hosts' load most even (spread {3:0.0000} after the plan).",
                        model.HostNames[p.From], model.UnitDescription(p.Unit), model.HostNames[p.To], score.Value);
                if (p.PreferredMissed) text += $" None of its preferred hosts (rule '{model.UnitPreferredRule[p.Unit]}') had room.";
                if (model.PreferredDestination[p.To]) text += $" {model.HostNames[p.To]} is one of the destinations preferred for this plan, so the VM need not move again.";
                result.Add(new PlannedMove(p.Unit, p.From, p.To, PlanReasonCodes.Evacuate, text), model);
            }
            result.ScoreAfter = score.Value;
            return result;
        }

        /// <summary>Most make-room moves one evacuated unit may cost (VMs moved), so a stranded VM never reshuffles the cluster.</summary>
        private const int MaxMakeRoomMovesPerUnit = 4;

        /// <summary>Most moves that may clear room on one host for a VM too big for short chains (on a full cluster, a host's worth).</summary>
        private const int MaxClearMovesPerUnit = 24;

        /// <summary>
        /// The units that fit nowhere, largest first: each gets a chain of make-room moves from <see cref="RoomMaker"/>,
        /// or is reported with what blocked every chain. The make-room moves come back in the order they were applied:
        /// they run before every evacuation move, which is valid because evacuation moves only add VMs to the remaining
        /// hosts (each make-room move was checked with those VMs already there), and the evacuation moves after them
        /// only fill hosts towards a final state that fits.
        /// </summary>
        private static List<RoomMaker.Step> MakeRoom(PlacementModel model, CapacityLedger ledger, LoadScore score, PlanningOptions options, int[] remaining,
            bool[] evacuated, List<Placement> placed, List<int> waiting, GoalResult result, ref int stepCount)
        {
            var steps = new List<RoomMaker.Step>();
            if (waiting.Count == 0) return steps;
            var isDestination = new bool[model.HostCount];
            foreach (int h in remaining) isDestination[h] = true;
            var evacuee = new bool[model.UnitCount];
            foreach (var p in placed) evacuee[p.Unit] = true;
            foreach (int u in waiting) evacuee[u] = true;
            var maker = new RoomMaker(model, ledger, score, isDestination, evacuee, options.AllowStaging);
            var byUnit = placed.ToDictionary(p => p.Unit);
            foreach (int unit in waiting)
            {
                int from = ledger.UnitHost[unit];
                long budget = (long)options.MaxMoves - stepCount - model.UnitMembers[unit].Length;
                if (budget < 0)
                {
                    Unplace(model, result, unit, PlanReasonCodes.MaxMovesReached, $"The plan reached MaxMoves ({options.MaxMoves}) before this VM; raise -MaxMoves.");
                    continue;
                }
                if (!RoomLeftFor(model, ledger, remaining, unit, out var shortText))
                {
                    Unplace(model, result, unit, ErrorIds.NoEvacuationTarget, shortText);
                    continue;
                }
                int limit = (int)Math.Min(MaxMakeRoomMovesPerUnit, budget);
                int clearLimit = (int)Math.Min(MaxClearMovesPerUnit, budget);
                int committed = maker.Committed.Count;
                if (!maker.Place(unit, limit, clearLimit))
                {
                    WhyNoDestination(model, ledger, remaining, unit, out var why, out _);
                    Unplace(model, result, unit, ErrorIds.NoEvacuationTarget, why.TrimEnd('.') + ", " + maker.Blocked(limit, clearLimit));
                    continue;
                }
                int chain = 0;
                foreach (var step in maker.Committed.Skip(committed))
                {
                    switch (step.Role)
                    {
                        case RoomMaker.Role.MakeRoom:
                            steps.Add(step);
                            chain += model.UnitMembers[step.Unit].Length;
                            break;
                        case RoomMaker.Role.Redirect:
                            byUnit[step.Unit].RedirectedFor = unit;
                            break;
                    }
                }
                var placement = new Placement { Unit = unit, From = from, To = ledger.UnitHost[unit], Chain = chain, MadeRoom = true };
                placed.Add(placement);
                byUnit[unit] = placement;
                stepCount += chain + model.UnitMembers[unit].Length;
            }
            foreach (var p in placed) p.To = ledger.UnitHost[p.Unit];
            return steps;
        }

        /// <summary>
        /// Moving VMs around only moves free room around: when the remaining hosts have less free in all than the unit
        /// needs, no chain can exist, and the search is not tried.
        /// </summary>
        private static bool RoomLeftFor(PlacementModel model, CapacityLedger ledger, int[] remaining, int unit, out string text)
        {
            long memory = 0;
            double cpu = 0;
            foreach (int h in remaining)
            {
                memory += Math.Max(0, model.UsableMemoryMB[h] - ledger.UsedMemoryMB[h]);
                cpu += Math.Max(0, model.UsableCpu[h] - ledger.UsedCpu[h]);
            }
            text = string.Format(CultureInfo.InvariantCulture,
                "It needs {0} MB and {1:0.##} CPUs; the remaining hosts have {2} MB and {3:0.##} CPUs free in all after their reserves, so no moves of other VMs can make that room.",
                model.UnitMemoryMB[unit], model.UnitCpu[unit], memory, cpu);
            return memory >= model.UnitMemoryMB[unit] && cpu + Usable.CpuTolerance >= model.UnitCpu[unit];
        }

        private static string MakeRoomText(PlacementModel model, RoomMaker.Step step, bool[] evacuated)
        {
            int origin = model.UnitInitialHost[step.Root];
            string text = string.Format(CultureInfo.InvariantCulture, "Makes room for {0} (evacuating {1}): {2} moves from {3} to {4} so that {5} fits on {3}.",
                model.UnitDescription(step.Root), model.HostNames[origin], model.UnitDescription(step.Unit), model.HostNames[step.From], model.HostNames[step.To],
                step.For == step.Root ? model.UnitDescription(step.Root) : model.UnitDescription(step.For));
            if (step.Again) text += " It moved once already in this plan (staging is allowed).";
            return text;
        }

        private sealed class Placement
        {
            public int Unit, From, To;
            public bool PreferredMissed;
            /// <summary>Its place was made by the room maker; <see cref="Chain"/> counts the make-room moves (VMs) it needed.</summary>
            public bool MadeRoom;
            public int Chain;
            /// <summary>The unit it gave its first destination up for, or -1.</summary>
            public int RedirectedFor = -1;
        }

        /// <summary>
        /// Largest-first placement decides early VMs before it knows where later ones land. Taking each evacuated unit
        /// out again and re-inserting it where the score is lowest repairs that. It changes only destinations, never adds a
        /// move, and stays valid in any order: destinations only gain VMs, so a final state that fits has prefixes that fit.
        /// </summary>
        private static void ImproveByReinsertion(PlacementModel model, CapacityLedger ledger, LoadScore score, int[] remaining, List<Placement> placed)
        {
            const int MaxPasses = 4;
            long pairBudget = 1_500_000;
            for (int pass = 0; pass < MaxPasses; pass++)
            {
                bool changed = false;
                foreach (var p in placed)
                {
                    double cpu = model.UnitCpu[p.Unit];
                    long memory = model.UnitMemoryMB[p.Unit];
                    score.Move(ledger, p.To, p.From, cpu, memory);
                    ledger.Undo(p.Unit, p.From);
                    double stay = score.IfMoved(ledger, p.From, p.To, cpu, memory);
                    bool preferredOnly = model.IsPreferred(p.Unit, p.To);
                    int best = BestDestination(model, ledger, score, remaining, p.Unit, p.From, preferredOnly, favouredOnly: model.PreferredDestination[p.To]);
                    if (best >= 0 && best != p.To && score.IfMoved(ledger, p.From, best, cpu, memory) < stay - 1e-12)
                    {
                        p.To = best;
                        changed = true;
                    }
                    score.Move(ledger, p.From, p.To, cpu, memory);
                    ledger.Apply(p.Unit, p.To);
                }
                if (ImproveBySwaps(model, ledger, score, placed, ref pairBudget)) changed = true;
                if (!changed) break;
            }
        }

        /// <summary>
        /// Reinsertion moves one unit at a time, so it stops where two units would each have to give up their place to
        /// the other. One pass of exchanges: each evacuated unit trades destinations with the evacuated unit that lowers the
        /// score most. Still no added move, and destinations still only gain VMs, so any order stays valid.
        /// Bounded by a pair-count budget so thousands of evacuated VMs stay fast.
        /// </summary>
        private static bool ImproveBySwaps(PlacementModel model, CapacityLedger ledger, LoadScore score, List<Placement> placed, ref long pairs)
        {
            bool changed = false;
            for (int i = 0; i < placed.Count && pairs > 0; i++)
            {
                var p = placed[i];
                int a = p.To;
                double current = score.Value, best = current - 1e-12;
                int bestJ = -1;
                for (int j = 0; j < placed.Count; j++)
                {
                    var q = placed[j];
                    int b = q.To;
                    if (b == a) continue;
                    pairs--;
                    double dc = model.UnitCpu[p.Unit] - model.UnitCpu[q.Unit];
                    long dm = model.UnitMemoryMB[p.Unit] - model.UnitMemoryMB[q.Unit];
                    if (dc == 0 && dm == 0) continue;
                    double after = score.IfMoved(ledger, a, b, dc, dm);
                    if (after >= best) continue;
                    if (!SwapAllowed(model, ledger, p, q) || !SwapAllowed(model, ledger, q, p)) continue;
                    if (!FitsWithChange(model, ledger, b, dc, dm) || !FitsWithChange(model, ledger, a, -dc, -dm)) continue;
                    best = after;
                    bestJ = j;
                }
                if (bestJ < 0) continue;
                var other = placed[bestJ];
                int otherTo = other.To;
                score.Move(ledger, a, otherTo, model.UnitCpu[p.Unit] - model.UnitCpu[other.Unit], model.UnitMemoryMB[p.Unit] - model.UnitMemoryMB[other.Unit]);
                ledger.Undo(p.Unit, p.From);
                ledger.Undo(other.Unit, other.From);
                ledger.Apply(p.Unit, otherTo);
                ledger.Apply(other.Unit, a);
                p.To = otherTo;
                other.To = a;
                changed = true;
            }
            return changed;
        }

        /// <summary>Unit p may take q's place: allowed there, no preference lost, no anti-affinity partner there but q.</summary>
        private static bool SwapAllowed(PlacementModel model, CapacityLedger ledger, Placement p, Placement q)
        {
            int to = q.To;
            if (!model.IsAllowed(p.Unit, to)) return false;
            if (model.IsPreferred(p.Unit, p.To) && !model.IsPreferred(p.Unit, to)) return false;
            if (model.PreferredDestination[p.To] && !model.PreferredDestination[to]) return false;
            foreach (int other in model.UnitConflicts[p.Unit])
            {
                if (other == q.Unit) continue;
                if (ledger.UnitHost[other] == to) return false;
                if (ledger.UnitHost[other] < 0)
                {
                    foreach (var v in model.UnitMembers[other])
                        if (model.HostIndex[model.VMs[v].HostName] == to) return false;
                }
            }
            return true;
        }

        private static bool FitsWithChange(PlacementModel model, CapacityLedger ledger, int host, double dc, long dm) =>
            (dm <= 0 || ledger.UsedMemoryMB[host] + dm <= model.UsableMemoryMB[host]) &&
            (dc <= 0 || ledger.UsedCpu[host] + dc <= model.UsableCpu[host] + Usable.CpuTolerance);

        /// <summary>
        /// The destination of one unit, by tiers: its ShouldRunOn hosts before the others and, within each, the plan's
        /// preferred destinations before the rest; the most even spread within the first tier that has room.
        /// </summary>
        private static int ChooseDestination(PlacementModel model, CapacityLedger ledger, LoadScore score, int[] remaining, int unit, int from, out bool preferredMissed)
        {
            bool hasPreferred = model.UnitPreferredHosts[unit] != null;
            foreach (bool preferredOnly in hasPreferred ? new[] { true, false } : new[] { false })
            {
                foreach (bool favouredOnly in model.HasPreferredDestinations ? new[] { true, false } : new[] { false })
                {
                    int to = BestDestination(model, ledger, score, remaining, unit, from, preferredOnly, favouredOnly);
                    if (to >= 0)
                    {
                        preferredMissed = hasPreferred && !preferredOnly;
                        return to;
                    }
                }
            }
            preferredMissed = false;
            return -1;
        }

        private static int BestDestination(PlacementModel model, CapacityLedger ledger, LoadScore score, int[] remaining, int unit, int from, bool preferredOnly, bool favouredOnly = false)
        {
            int best = -1;
            double bestScore = double.MaxValue;
            foreach (int to in remaining)
            {
                if (preferredOnly && !model.IsPreferred(unit, to)) continue;
                if (favouredOnly && !model.PreferredDestination[to]) continue;
                if (!ledger.CanMove(unit, to)) continue;
                double after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                if (after < bestScore) { bestScore = after; best = to; }
            }
            return best;
        }

        /// <summary>Separates "too big for any host" from "rules forbid every host" from "no room left".</summary>
        internal static string WhyNoDestination(PlacementModel model, CapacityLedger ledger, IEnumerable<int> candidates, int unit, out string text, out bool roomCouldHelp)
        {
            roomCouldHelp = false;
            var hosts = candidates.ToList();
            string size = string.Format(CultureInfo.InvariantCulture, "{0} MB and {1:0.##} CPUs", model.UnitMemoryMB[unit], model.UnitCpu[unit]);
            if (!hosts.Any(h => ledger.FitsEmpty(unit, h)))
            {
                text = $"It needs {size}, more than any in-service host offers after its reserve, even empty.";
                return ErrorIds.VmTooLarge;
            }
            if (!hosts.Any(h => model.IsAllowed(unit, h)))
            {
                text = $"Rule(s) '{model.UnitAllowedRule[unit]}' allow none of the hosts that remain in service.";
                return ErrorIds.NoEvacuationTarget;
            }
            text = $"No allowed host has room for {size} without breaking a reserve or an anti-affinity rule.";
            roomCouldHelp = true;
            return ErrorIds.NoEvacuationTarget;
        }

        internal static void Unplace(PlacementModel model, GoalResult result, int unit, string code, string text, bool[]? onlyOn = null)
        {
            foreach (var v in model.UnitMembers[unit])
            {
                if (onlyOn != null && !onlyOn[model.HostIndex[model.VMs[v].HostName]]) continue;
                result.Unplaced.Add(new UnplacedVM { VMName = model.VMs[v].Name, HostName = model.VMs[v].HostName, Reason = new PlanReason { Code = code, Text = text } });
            }
        }
    }
}
