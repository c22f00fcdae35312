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
    /// any has room. Units that fit nowhere are reported, never dropped silently.
    /// </summary>
    internal static class EvacuateGoal
    {
        public static GoalResult Plan(PlacementModel model, CapacityLedger ledger, PlanningOptions options)
        {
            var evacuated = new bool[model.HostCount];
            foreach (var name in options.HostNames)
            {
                if (!model.HostIndex.TryGetValue(name, out var h))
                    throw new MigrationException(ErrorIds.HostNotFound, ErrorKind.ObjectNotFound,
                        $"Host '{name}' is not in the inventory. Check the name with Get-MigrationHost.", name);
                evacuated[h] = true;
            }
            if (options.HostNames.Count == 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "Evacuate needs at least one host name (-HostName).");
            var remaining = Enumerable.Range(0, model.HostCount).Where(h => model.InService[h] && !evacuated[h]).ToArray();
            if (remaining.Length == 0)
                throw new MigrationException(PlanningErrorIds.CannotEvacuateAllHosts, ErrorKind.InvalidArgument,
                    $"Evacuating {string.Join(", ", options.HostNames)} would leave no host in service to take their VMs. Leave at least one host out.",
                    string.Join(",", options.HostNames));

            var before = new LoadScore(model, ledger, (bool[])model.InService.Clone());
            var scored = new bool[model.HostCount];
            foreach (var h in remaining) scored[h] = true;
            var score = new LoadScore(model, ledger, scored);
            var result = new GoalResult { ScoreBefore = before.Value };
            result.Hosts.AddRange(options.HostNames.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal));

            var units = Enumerable.Range(0, model.UnitCount)
                .Where(u => model.UnitMembers[u].Any(v => evacuated[model.HostIndex[model.VMs[v].HostName]]))
                .OrderByDescending(u => model.UnitMemoryMB[u]).ThenByDescending(u => model.UnitCpu[u]).ThenBy(u => u)
                .ToList();
            foreach (int unit in units)
            {
                int from = ledger.UnitHost[unit];
                if (from < 0)
                {
                    Unplace(model, result, unit, PlanningErrorIds.RuleConflict,
                        $"Its affinity group (rule '{model.UnitAffinityRule[unit]}') is split across hosts today, so no single move keeps the rule. Reunite the group first.",
                        onlyOn: evacuated);
                    continue;
                }
                if (result.StepCount + model.UnitMembers[unit].Length > options.MaxMoves)
                {
                    Unplace(model, result, unit, PlanReasonCodes.MaxMovesReached, $"The plan reached MaxMoves ({options.MaxMoves}) before this VM; raise -MaxMoves.");
                    continue;
                }
                int to = BestDestination(model, ledger, score, remaining, unit, from, preferredOnly: model.UnitPreferredHosts[unit] != null);
                bool preferredMissed = false;
                if (to < 0 && model.UnitPreferredHosts[unit] != null)
                {
                    to = BestDestination(model, ledger, score, remaining, unit, from, preferredOnly: false);
                    preferredMissed = to >= 0;
                }
                if (to < 0)
                {
                    Unplace(model, result, unit, WhyNoDestination(model, ledger, remaining, unit, out var why), why);
                    continue;
                }
                double after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                string text = string.Format(CultureInfo.InvariantCulture,
                    "Evacuating {0}: {1} goes to {2}, the allowed destination that keeps load most even (spread after {3:0.0000}).",
                    model.HostNames[from], model.UnitDescription(unit), model.HostNames[to], after);
                if (preferredMissed) text += $" None of its preferred hosts (rule '{model.UnitPreferredRule[unit]}') had room.";
                score.Move(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                ledger.Apply(unit, to);
                result.Add(new PlannedMove(unit, from, to, PlanReasonCodes.Evacuate, text), model);
            }
            result.ScoreAfter = score.Value;
            return result;
        }

        private static int BestDestination(PlacementModel model, CapacityLedger ledger, LoadScore score, int[] remaining, int unit, int from, bool preferredOnly)
        {
            int best = -1;
            double bestScore = double.MaxValue;
            foreach (int to in remaining)
            {
                if (preferredOnly && !model.IsPreferred(unit, to)) continue;
                if (!ledger.CanMove(unit, to)) continue;
                double after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                if (after < bestScore) { bestScore = after; best = to; }
            }
            return best;
        }

        /// <summary>Separates "too big for any host" from "rules forbid every host" from "no room left".</summary>
        internal static string WhyNoDestination(PlacementModel model, CapacityLedger ledger, IEnumerable<int> candidates, int unit, out string text)
        {
            var hosts = candidates.ToList();
            string size = string.Format(CultureInfo.InvariantCulture, "{0} MB and {1:0.##} CPUs", model.UnitMemoryMB[unit], model.UnitCpu[unit]);
            if (!hosts.Any(h => ledger.FitsEmpty(unit, h)))
            {
                text = $"It needs {size}, more than any in-service host offers after its reserve, even empty.";
                return PlanningErrorIds.VmTooLarge;
            }
            if (!hosts.Any(h => model.IsAllowed(unit, h)))
            {
                text = $"Rule(s) '{model.UnitAllowedRule[unit]}' allow none of the hosts that remain in service.";
                return PlanningErrorIds.NoEvacuationTarget;
            }
            text = $"No allowed host has room for {size} without breaking a reserve or an anti-affinity rule.";
            return PlanningErrorIds.NoEvacuationTarget;
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
