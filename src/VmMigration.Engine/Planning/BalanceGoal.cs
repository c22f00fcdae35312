using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// Balance: greedy best-improvement. Each round looks at the few most loaded hosts as sources and the least loaded
    /// as destinations, takes the single move that lowers the load score most, and stops at the target score, at
    /// MaxMoves, or when no candidate move helps enough. A VM moves at most once, so nothing bounces.
    /// With host names (-HostName) only those hosts are balanced: a host outside them gives no VM and takes none, and its
    /// load is not in the score.
    /// </summary>
    internal static class BalanceGoal
    {
        private const int SourceCandidates = 4;
        private const int DestinationCandidates = 16;

        public static GoalResult Plan(PlacementModel model, CapacityLedger ledger, PlanningOptions options, DateTime snapshotTime)
        {
            var named = options.HostNames.Count > 0 ? model.NamedHosts(options.HostNames) : null;
            var balanced = new bool[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) balanced[h] = model.InService[h] && (named == null || named[h]);
            var assessment = BalanceFigures.Assess(model, ledger, options, balanced);
            var held = HeldByCooldown(model, options, snapshotTime, balanced, assessment.CoolingDown);
            GoalResult result;
            if (options.Threshold > 0 && assessment.SmoothedScore <= options.Threshold)
            {
                assessment.WithinThreshold = true;
                result = new GoalResult { ScoreBefore = assessment.SmoothedScore, ScoreAfter = assessment.SmoothedScore };
            }
            else
            {
                result = PlanMoves(model, ledger, options, balanced, named, held, assessment);
            }
            assessment.Summary = BalanceFigures.Summarize(assessment, result, options);
            result.Balance = assessment;
            // The hosts balanced are the ones the load spread is measured over: in service (and named, when hosts are
            // named), in the model's (ordinal) order.
            for (int h = 0; h < model.HostCount; h++)
            {
                if (balanced[h]) result.Hosts.Add(model.HostNames[h]);
            }
            return result;
        }

        /// <summary>
        /// The units balancing leaves where they are: one of their VMs was moved by a balance run less than the cooldown
        /// before the snapshot. Each such VM of a balanced host is listed with when it may move again.
        /// </summary>
        private static bool[] HeldByCooldown(PlacementModel model, PlanningOptions options, DateTime snapshotTime, bool[] balanced, List<UnplacedVM> coolingDown)
        {
            var held = new bool[model.UnitCount];
            var cooldown = TimeSpan.FromMinutes(options.CooldownMinutes);
            for (int u = 0; u < model.UnitCount; u++)
            {
                foreach (int v in model.UnitMembers[u])
                {
                    var vm = model.VMs[v];
                    if (!(vm.LastBalancedAt is DateTime moved) || snapshotTime - moved >= cooldown) continue;
                    held[u] = true;
                    if (!balanced[model.HostIndex[vm.HostName]]) continue;
                    coolingDown.Add(new UnplacedVM
                    {
                        VMName = vm.Name,
                        HostName = vm.HostName,
                        Reason = new PlanReason
                        {
                            Code = PlanReasonCodes.CoolingDown,
                            Text = string.Format(CultureInfo.InvariantCulture,
                                "A balance run moved '{0}' at {1:u}; balancing leaves it on {2} until {3:u} (-CooldownMinutes {4}). Evacuation and maintenance may still move it.",
                                vm.Name, moved, vm.HostName, moved + cooldown, options.CooldownMinutes),
                        },
                    });
                }
            }
            return held;
        }

        /// <param name="balanced">The hosts that give and take VMs and whose load is scored.</param>
        /// <param name="named">The hosts whose VMs may move at all; null when no host was named (any may).</param>
        /// <param name="held">Units balancing must leave where they are (cooling down).</param>
        private static GoalResult PlanMoves(PlacementModel model, CapacityLedger ledger, PlanningOptions options, bool[] balanced, bool[]? named,
            bool[] held, BalanceAssessment assessment)
        {
            var initialMemory = (long[])ledger.UsedMemoryMB.Clone();
            var initialCpu = (double[])ledger.UsedCpu.Clone();
            var score = new LoadScore(model, ledger, (bool[])balanced.Clone());
            var result = new GoalResult { ScoreBefore = score.Value };
            var sources = new int[SourceCandidates];
            var destinations = new int[DestinationCandidates];
            var keyBuffer = new double[Math.Max(SourceCandidates, DestinationCandidates)];
            // Once above the threshold, balance down to the target: the band between them is what keeps a balanced cluster still.
            double target = options.Threshold > 0 ? Math.Min(options.TargetScore, options.Threshold) : options.TargetScore;
            bool costBenefit = options.MinImprovement > 0;
            double balancedCores = 0;
            for (int h = 0; h < model.HostCount; h++) if (balanced[h]) balancedCores += model.CpuCapacity[h];

            while (result.StepCount < options.MaxMoves && score.Value > target)
            {
                double meanCpu = score.MeanCpu, meanMemory = score.MeanMemory;
                Func<int, double> excess = h =>
                    score.CpuLoad(h, ledger.UsedCpu[h]) - meanCpu + score.MemoryLoad(h, ledger.UsedMemoryMB[h]) - meanMemory;
                int sourceCount = TopHosts.Find(model.HostCount, SourceCandidates, h => balanced[h] && excess(h) > 0, excess, sources, keyBuffer);
                int destinationCount = TopHosts.Find(model.HostCount, DestinationCandidates, h => balanced[h], h => -excess(h), destinations, keyBuffer);

                double current = score.Value, best = current - options.MinScoreImprovement;
                int bestUnit = -1, bestFrom = -1, bestTo = -1;
                MoveWorth? bestWorth = null;
                // The best move refused for its cost, told when nothing else is planned in its place.
                double refusedAfter = current;
                (int Unit, int From, int To, MoveWorth Worth)? refused = null;
                for (int i = 0; i < sourceCount; i++)
                {
                    int from = sources[i];
                    foreach (int unit in ledger.HostUnits[from])
                    {
                        if (ledger.Moved[unit] || held[unit] || result.StepCount + model.UnitMembers[unit].Length > options.MaxMoves) continue;
                        for (int j = 0; j < destinationCount; j++)
                        {
                            int to = destinations[j];
                            if (to == from || !model.PreferenceAllows(unit, from, to) || !ledger.CanMove(unit, to)) continue;
                            double after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                            // Strictly better only: among equal moves the first found (lowest host index, list order) wins.
                            if (after < best || (after == best && bestUnit >= 0 && string.CompareOrdinal(model.UnitName[unit], model.UnitName[bestUnit]) < 0))
                            {
                                if (costBenefit)
                                {
                                    var worth = MoveWorth.Of(current - after, balancedCores, options, model.UnitMembers[unit].Select(v => model.VMs[v]));
                                    if (!worth.Pays(options.MinImprovement))
                                    {
                                        if (after < refusedAfter) { refusedAfter = after; refused = (unit, from, to, worth); }
                                        continue;
                                    }
                                    bestWorth = worth;
                                }
                                best = after;
                                bestUnit = unit; bestFrom = from; bestTo = to;
                            }
                        }
                    }
                }
                if (bestUnit < 0)
                {
                    if (refused is var (unit, from, to, worth))
                    {
                        assessment.NotWorthMoving.Add(new UnplacedVM
                        {
                            VMName = model.VMs[model.UnitMembers[unit][0]].Name,
                            HostName = model.HostNames[from],
                            Reason = new PlanReason
                            {
                                Code = PlanReasonCodes.GainDoesNotPay,
                                Text = string.Format(CultureInfo.InvariantCulture, "Moving {0} from {1} to {2} would lower the load spread {3:0.0000} -> {4:0.0000}, but it does not pay: {5}.",
                                    model.UnitDescription(unit), model.HostNames[from], model.HostNames[to], current, refusedAfter, worth.Describe(options.MinImprovement)),
                            },
                        });
                    }
                    break;
                }

                string text = Describe(model, ledger, score, bestUnit, bestFrom, bestTo, current, best);
                if (bestWorth != null) text += " Worth it: " + bestWorth.Describe(options.MinImprovement) + ".";
                score.Move(ledger, bestFrom, bestTo, model.UnitCpu[bestUnit], model.UnitMemoryMB[bestUnit]);
                ledger.Apply(bestUnit, bestTo);
                result.Add(new PlannedMove(bestUnit, bestFrom, bestTo, PlanReasonCodes.Balance, text) { Worth = bestWorth }, model);
            }

            // With cost-benefit every move must pay on its own, one at a time: the local search, which trades moves
            // against each other (swaps, replacements, parking), is left out, and the greedy's moves stand as checked.
            var improved = costBenefit ? null
                : BalanceImprover.Improve(model, ledger, options, initialMemory, initialCpu, result.Moves, (bool[])balanced.Clone(), named, held);
            if (improved == null)
            {
                result.ScoreAfter = score.Value;
                return result;
            }
            // Replay the improved moves from today's placement, in their valid order, so each reason tells its own step.
            for (int i = result.Moves.Count - 1; i >= 0; i--) ledger.Undo(result.Moves[i].Unit, result.Moves[i].From);
            var replayed = new GoalResult { ScoreBefore = result.ScoreBefore };
            score = new LoadScore(model, ledger, (bool[])balanced.Clone());
            var finalHost = new Dictionary<int, int>();
            foreach (var (unit, to) in improved) finalHost[unit] = to;
            foreach (var (unit, to) in improved)
            {
                int from = ledger.UnitHost[unit];
                // A staged unit moves twice: the second move starts where the first parked it.
                bool again = ledger.Moved[unit];
                if (!(again ? ledger.CanMoveAgain(unit, to) : ledger.CanMove(unit, to)))
                    throw new InvalidOperationException($"Balance improvement produced an invalid step for unit {model.UnitName[unit]}.");
                double before = score.Value, after = score.IfMoved(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                string text = finalHost[unit] != to
                    ? string.Format(CultureInfo.InvariantCulture,
                        "Parks {0} on {1}, a host with room, so that another VM can take its place on {2}; it goes on to {3} later in the plan (a swap between full hosts, staged).",
                        model.UnitDescription(unit), model.HostNames[to], model.HostNames[from], model.HostNames[finalHost[unit]])
                    : Describe(model, ledger, score, unit, from, to, before, after) + (again ? $" It was parked on {model.HostNames[from]} earlier in the plan." : "");
                score.Move(ledger, from, to, model.UnitCpu[unit], model.UnitMemoryMB[unit]);
                ledger.Apply(unit, to);
                replayed.Add(new PlannedMove(unit, from, to, PlanReasonCodes.Balance, text), model);
            }
            replayed.ScoreAfter = score.Value;
            return replayed;
        }

        private static string Describe(PlacementModel model, CapacityLedger ledger, LoadScore score, int unit, int from, int to, double before, double after)
        {
            string Load(int h) => string.Format(CultureInfo.InvariantCulture, "CPU {0:0}%, memory {1:0}%",
                100 * score.CpuLoad(h, ledger.UsedCpu[h]), 100 * score.MemoryLoad(h, ledger.UsedMemoryMB[h]));
            return string.Format(CultureInfo.InvariantCulture,
                "Moves {0} from {1} ({2}), one of the most loaded hosts, to {3} ({4}), one of the least; load spread {5:0.0000} -> {6:0.0000}.",
                model.UnitDescription(unit), model.HostNames[from], Load(from), model.HostNames[to], Load(to), before, after);
        }
    }
}
