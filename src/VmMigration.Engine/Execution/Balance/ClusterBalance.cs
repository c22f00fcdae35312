using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Governor;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Execution.Balance
{
    /// <summary>
    /// One balancing run, as a scheduled task makes it: measure the load over a window and smooth it with the history,
    /// plan (threshold, cost-benefit, cooldown), then move the plan's VMs wave by wave under the evacuation's governor,
    /// recording each move with its VM so that no balance run, on any machine, moves it again within the cooldown.
    /// Planning and moving are two calls so that the caller can confirm each step in between (-WhatIf, -Confirm).
    /// </summary>
    public sealed class ClusterBalance
    {
        private readonly HostRegistry registry;
        private readonly Inventory inventory;
        private readonly LoadHistoryStore history;
        private readonly ClusterBalanceOptions options;
        private readonly Clock clock;
        private DateTime start;

        public ClusterBalance(HostRegistry registry, Inventory inventory, LoadHistoryStore history, ClusterBalanceOptions options, Clock? clock = null)
        {
            this.registry = registry;
            this.inventory = inventory;
            this.history = history;
            this.options = options;
            this.clock = clock ?? Clock.System;
        }

        /// <summary>
        /// Holds every host for this run (<see cref="RunHold"/>), from before its plan to after its last move, so that no
        /// other run changes the cluster under it; dispose it when done.
        /// </summary>
        public RunHold Hold(Action<string> waiting, CancellationToken cancellationToken) =>
            hold = RunHold.Take(registry, registry.Hosts, "Invoke-ClusterBalance", options.WaitForHolds, waiting, cancellationToken);

        /// <summary>The hold <see cref="Hold"/> took: once a lease of it is lost, no new move starts.</summary>
        private RunHold? hold;

        /// <summary>Measures the hosts and plans; nothing moves. Hosts that do not answer are left out, with a warning.</summary>
        public MigrationPlan Plan(IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            start = clock.UtcNow;
            var live = BalanceInventory.Capture(registry, inventory, registry.Hosts, options.SampleWindow, history, clock, cancellationToken, out var failures);
            foreach (var failure in failures)
            {
                observer.Warning($"Balancing without host '{failure.Target}': {failure.Message}");
            }
            return MigrationPlanner.Plan(live, options.Rules, options.ToPlanningOptions());
        }

        /// <summary>
        /// Moves the <paramref name="approved"/> steps of <paramref name="plan"/> (made by <see cref="Plan"/>), wave by wave;
        /// a wave starts only when every move of the one before succeeded. One result per step of the plan, then the summary.
        /// </summary>
        public ClusterBalanceSummary Run(MigrationPlan plan, IReadOnlyCollection<MigrationPlanStep> approved, IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            var results = new List<MigrationResult>();
            var notStarted = new List<MigrationResult>();
            var total = approved.Count;
            void Report(MigrationResult result)
            {
                results.Add(result);
                observer.VMFinished(result);
                observer.HostProgress(results.Count(r => r.Status == MigrationStatus.Succeeded), total);
            }

            var execution = new GovernedExecution(registry, options.MaxConcurrent, options.MaxConcurrentPerHost, options.BandwidthMBps, options.MaxDowntimeMs, options.AllowPostCopy, options.Encryption, hold, options.MigrationNetwork);
            var failed = false;
            foreach (var wave in approved.GroupBy(s => s.Wave).OrderBy(w => w.Key))
            {
                if (failed || cancellationToken.IsCancellationRequested || hold?.LostReason != null)
                {
                    foreach (var step in wave.OrderBy(s => s.Order)) notStarted.Add(NotStarted(step, failed, Report));
                    continue;
                }
                var queue = new List<GovernedStep>();
                foreach (var step in wave.OrderBy(s => s.Order))
                {
                    var guest = FindOnSource(step, out var missing);
                    if (guest == null) Report(missing!);
                    else queue.Add(new GovernedStep(step, guest));
                }
                var hooks = new GovernedExecution.Hooks<GovernedStep>
                {
                    Admit = (_, _) => options.MoveTimeout,
                    Finished = (step, result) =>
                    {
                        if (result.Status == MigrationStatus.Succeeded) RecordMove(step.Step, observer);
                        else failed = true;
                        Report(result);
                        return false; // the moves of a wave are independent: the others of this one go on
                    },
                };
                execution.Run(queue, hooks, observer, cancellationToken);
                foreach (var step in queue) notStarted.Add(NotStarted(step.Step, failed, Report));
            }

            var end = clock.UtcNow;
            var balance = plan.Balance;
            return new ClusterBalanceSummary
            {
                Start = start == default ? end : start,
                End = end,
                DurationSec = Math.Round((end - (start == default ? end : start)).TotalSeconds, 1),
                Hosts = plan.Hosts.ToList(),
                ScoreBefore = plan.ScoreBefore,
                InstantScore = balance?.InstantScore ?? plan.ScoreBefore,
                ScoreAfter = plan.ScoreAfter,
                Threshold = options.Threshold,
                WithinThreshold = balance?.WithinThreshold ?? false,
                Planned = plan.Steps.Count,
                Moved = results.Count(r => r.Status == MigrationStatus.Succeeded),
                Failed = results.Count(r => r.Status == MigrationStatus.Failed || r.Status == MigrationStatus.Aborted),
                Skipped = plan.Steps.Count - approved.Count + results.Count(r => r.Status == MigrationStatus.Skipped && !notStarted.Contains(r)),
                NotStarted = notStarted.Count,
                CoolingDown = balance?.CoolingDown.Count ?? 0,
                NotWorthMoving = balance?.NotWorthMoving.Count ?? 0,
                TransferredBytes = results.Sum(r => r.TransferredBytes),
                PredictedDurationSec = plan.PredictedDurationSec,
                Message = balance?.Summary ?? plan.ToString(),
                Plan = plan,
            };
        }

        /// <summary>The step's guest, running on the step's source; otherwise null and the result that says why nothing moved.</summary>
        private GuestInfo? FindOnSource(MigrationPlanStep step, out MigrationResult? missing)
        {
            missing = null;
            try
            {
                var guest = registry.Resolve(step.Source).Connection.FindGuest(step.VMName);
                if (guest != null && guest.Active) return guest;
                missing = UnmovedResult.Create(step.VMName, step.Source, step.Destination, "", MigrationStatus.Skipped, null,
                    $"VM '{step.VMName}' no longer runs on '{step.Source}' (moved or stopped since the plan was made); the next run plans from where it is.");
            }
            catch (MigrationException error)
            {
                missing = UnmovedResult.Create(step.VMName, step.Source, step.Destination, "", MigrationStatus.Skipped, error.ErrorId,
                    $"VM '{step.VMName}' was not moved: its host '{step.Source}' could not be asked for it: {error.Message}");
            }
            return null;
        }

        /// <summary>Records the move with the VM on its new host; a record that cannot be written is told, never fails the move.</summary>
        private void RecordMove(MigrationPlanStep step, IEvacuationObserver observer)
        {
            try
            {
                registry.Resolve(step.Destination).Connection.SetBalanceRecord(step.VMName,
                    new BalanceRecord { MovedAt = clock.UtcNow, Source = step.Source, Destination = step.Destination, Runner = options.Runner });
            }
            catch (MigrationException error)
            {
                observer.Warning($"VM '{step.VMName}' moved to '{step.Destination}', but the record of the move could not be kept with it ({error.Message}); a balance run may move it again before its cooldown has passed.");
            }
        }

        private MigrationResult NotStarted(MigrationPlanStep step, bool afterFailure, Action<MigrationResult> report)
        {
            var lost = hold?.LostReason;
            var result = UnmovedResult.Create(step.VMName, step.Source, step.Destination, step.Source, MigrationStatus.Skipped,
                afterFailure ? ErrorIds.EarlierMoveFailed : lost != null ? ErrorIds.RunLeaseLost : ErrorIds.MigrationAborted,
                afterFailure ? $"Not started: a move of an earlier wave failed, and this one counted on it; the next balance run plans again from where things are."
                    : lost != null ? $"Not started: {lost}" : "Not started: the balance run was stopped.");
            report(result);
            return result;
        }
    }
}
