using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// The planner's front door: inventory + rules + options in, an explained <see cref="MigrationPlan"/> out.
    /// Nothing moves. The result is a pure function of the inputs (same inputs, same bytes when exported), which is why
    /// CreatedAt comes from the inventory's snapshot time unless <see cref="PlanningOptions.CreatedAt"/> says otherwise.
    /// </summary>
    public static class MigrationPlanner
    {
        public static MigrationPlan Plan(ClusterInventory inventory, ClusterRules? rules, PlanningOptions options)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            if (options == null) throw new ArgumentNullException(nameof(options));
            rules ??= new ClusterRules();
            inventory.Validate();
            rules.Validate();
            RuleConsistency.ThrowIfContradictory(rules, inventory);
            ValidateOptions(options);

            var sorted = inventory.SortedCopy(withStopped: options.IncludeStopped);
            var model = new PlacementModel(sorted, rules, options);
            var ledger = new CapacityLedger(model);
            var initialMemory = (long[])ledger.UsedMemoryMB.Clone();
            var initialCpu = (double[])ledger.UsedCpu.Clone();

            GoalResult result;
            switch (options.Goal)
            {
                case PlanGoal.Balance: result = BalanceGoal.Plan(model, ledger, options, sorted.SnapshotTime); break;
                case PlanGoal.Evacuate: result = EvacuateGoal.Plan(model, ledger, options); break;
                case PlanGoal.Consolidate: result = ConsolidateGoal.Plan(model, ledger, options); break;
                default: throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"Unknown goal '{options.Goal}'.");
            }

            return Assemble(model, options, sorted, result, initialMemory, initialCpu);
        }

        private static MigrationPlan Assemble(PlacementModel model, PlanningOptions options, ClusterInventory inventory, GoalResult result,
            long[] initialMemory, double[] initialCpu)
        {
            var scheduler = new WaveScheduler(model, initialMemory, initialCpu, options.MaxMigrationsPerHostPerWave);
            var convergence = new ConvergenceModel(options.BandwidthMBps, options.MaxDowntimeMs);
            var steps = new List<(int Wave, int Sequence, MigrationPlanStep Step)>();
            int sequence = 0;
            foreach (var move in result.Moves)
            {
                int wave = scheduler.Schedule(move);
                foreach (int v in model.UnitMembers[move.Unit])
                {
                    var vm = model.VMs[v];
                    var step = new MigrationPlanStep
                    {
                        Wave = wave,
                        VMName = vm.Name,
                        Source = model.HostNames[move.From],
                        Destination = model.HostNames[move.To],
                        MemoryMB = vm.MemoryMB,
                    };
                    string text = move.Text;
                    if (vm.Stopped)
                    {
                        // The plan knows memory, not disks: a cold move's duration is the copy of its disks, unknown here.
                        step.Kind = PlanStepKind.ColdMove;
                        text += " It is shut off, so it moves cold (definition and disks) and stays shut off; its memory is kept free there so it can be started.";
                    }
                    else
                    {
                        var prediction = convergence.Predict(vm.MemoryMB, vm.DirtyRateMBps ?? options.AssumedDirtyRateMBps);
                        step.PredictedDurationSec = Math.Round(prediction.DurationSec, 3);
                        step.PredictedDowntimeMs = (long)Math.Ceiling(prediction.DowntimeMs);
                        step.PredictedToConverge = prediction.Converges;
                        if (!prediction.Converges)
                            text += $" Pre-copy alone is not expected to converge (dirty rate {vm.DirtyRateMBps ?? options.AssumedDirtyRateMBps} MB/s vs {options.BandwidthMBps} MB/s): expect throttling or post-copy.";
                    }
                    step.Reason = new PlanReason { Code = move.Code, Text = text };
                    if (move.Worth != null)
                    {
                        step.PredictedGainCoreSec = Math.Round(move.Worth.GainCoreSec, 1);
                        step.PredictedCostCoreSec = Math.Round(move.Worth.CostCoreSec, 1);
                    }
                    steps.Add((wave, sequence++, step));
                }
            }
            var ordered = steps.OrderBy(s => s.Wave).ThenBy(s => s.Sequence).Select(s => s.Step).ToList();
            for (int i = 0; i < ordered.Count; i++) ordered[i].Order = i + 1;
            double duration = ordered.GroupBy(s => s.Wave).Sum(g => g.Max(s => s.PredictedDurationSec));

            return new MigrationPlan
            {
                Goal = options.Goal,
                CreatedAt = options.CreatedAt?.ToUniversalTime() ?? inventory.SnapshotTime,
                InventoryFingerprint = InventoryFingerprint.Compute(inventory),
                Hosts = result.Hosts,
                Options = options.ForReplanning(),
                Steps = ordered,
                Unplaced = result.Unplaced.OrderBy(u => u.VMName, StringComparer.Ordinal).ToList(),
                ScoreBefore = Math.Round(result.ScoreBefore, 6),
                ScoreAfter = Math.Round(result.ScoreAfter, 6),
                WaveCount = scheduler.WaveCount,
                PredictedDurationSec = Math.Round(duration, 3),
                Balance = result.Balance,
            };
        }

        private static void ValidateOptions(PlanningOptions options)
        {
            void Require(bool ok, string name, string problem)
            {
                if (!ok) throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"{name} {problem}", name);
            }
            Require(options.MaxMoves >= 0, nameof(options.MaxMoves), "must not be negative.");
            Require(options.TargetScore >= 0, nameof(options.TargetScore), "must not be negative.");
            Require(options.BandwidthMBps > 0, nameof(options.BandwidthMBps), "must be positive.");
            Require(options.MaxDowntimeMs > 0, nameof(options.MaxDowntimeMs), "must be positive.");
            Require(options.MaxMigrationsPerHostPerWave >= 1, nameof(options.MaxMigrationsPerHostPerWave), "must be at least 1.");
            Require(options.AssumedCpuUsagePercent >= 0 && options.AssumedCpuUsagePercent <= 100, nameof(options.AssumedCpuUsagePercent), "must be between 0 and 100.");
            Require(options.AssumedDirtyRateMBps >= 0, nameof(options.AssumedDirtyRateMBps), "must not be negative.");
            Require(options.Threshold >= 0 && options.Threshold <= 1, nameof(options.Threshold), "must be between 0 and 1.");
            Require(options.MinImprovement >= 0, nameof(options.MinImprovement), "must not be negative.");
            Require(options.CooldownMinutes >= 0, nameof(options.CooldownMinutes), "must not be negative.");
            Require(options.MinImprovement == 0 || options.CooldownMinutes > 0, nameof(options.MinImprovement),
                "needs a cooldown: a move's gain is what it brings while it stands, at least -CooldownMinutes; with a cooldown of 0 no move could pay.");
            Require(options.HostNames != null, nameof(options.HostNames), "must not be null.");
            Require(!options.IncludeStopped || options.Goal == PlanGoal.Evacuate, nameof(options.IncludeStopped), "applies to the Evacuate goal only: stopped VMs move cold only when their host is drained.");
            Require(options.PreferredDestinations == null || options.PreferredDestinations.Count == 0 || options.Goal == PlanGoal.Evacuate,
                nameof(options.PreferredDestinations), "applies to the Evacuate goal only.");
        }
    }
}
