using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Session;

namespace VmMigration.Execution.Governor
{
    /// <summary>
    /// Runs live-migration steps several at a time under the <see cref="MigrationGovernor"/>'s limits (in total, per host,
    /// the shared bandwidth budget and its pipeline), keeping each move at its share of the budget. What a run does around
    /// each move (journal, deadline, results, what a failure means) is the caller's, through <see cref="Hooks{TStep}"/>:
    /// a host evacuation and a balance run share this loop. A run whose hold on its hosts is lost starts no new move.
    /// </summary>
    internal sealed class GovernedExecution
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

        private readonly HostRegistry registry;
        private readonly int maxConcurrent;
        private readonly int maxConcurrentPerHost;
        private readonly long budgetMBps;
        private readonly long maxDowntimeMs;
        private readonly bool allowPostCopy;
        private readonly MigrationEncryption encryption;
        private readonly RunHold? hold;
        private readonly string? migrationNetwork;

        /// <param name="hold">the run's hold on its hosts: once a lease of it is lost, no new move starts</param>
        /// <param name="migrationNetwork">the network (CIDR) every move's stream must cross; null: each destination's own address</param>
        public GovernedExecution(HostRegistry registry, int maxConcurrent, int maxConcurrentPerHost, long budgetMBps, long maxDowntimeMs, bool allowPostCopy, MigrationEncryption encryption,
            RunHold? hold, string? migrationNetwork)
        {
            this.migrationNetwork = migrationNetwork;
            this.hold = hold;
            this.registry = registry;
            this.maxConcurrent = maxConcurrent;
            this.maxConcurrentPerHost = maxConcurrentPerHost;
            this.budgetMBps = budgetMBps;
            this.maxDowntimeMs = maxDowntimeMs;
            this.allowPostCopy = allowPostCopy;
            this.encryption = encryption;
        }

        /// <summary>What the caller decides around each move. Called on the thread that called <see cref="Run{TStep}"/>.</summary>
        public sealed class Hooks<TStep>
        {
            /// <summary>Leave the step queued for now (its destination failed): it starts when the run is planned again.</summary>
            public Func<TStep, bool> Skip { get; set; } = _ => false;

            /// <summary>
            /// Just before the step starts, with the bandwidth it can expect once transferring: its time limit, or null when it
            /// must not start (the caller has reported why; the step leaves the queue).
            /// </summary>
            public Func<TStep, long, TimeSpan?> Admit { get; set; } = (_, _) => null;

            /// <summary>The step's move has started.</summary>
            public Action<TStep> Started { get; set; } = _ => { };

            /// <summary>The step's move ended with this result; true stops starting new ones (the running ones finish).</summary>
            public Func<TStep, MigrationResult, bool> Finished { get; set; } = (_, _) => false;
        }

        /// <summary>Runs the queue until it is empty, every remaining step is skipped, or a hook stopped it; the steps not started stay in <paramref name="queue"/>.</summary>
        public void Run<TStep>(List<TStep> queue, Hooks<TStep> hooks, IEvacuationObserver observer, CancellationToken cancellationToken) where TStep : GovernedStep
        {
            var governor = new MigrationGovernor(maxConcurrent, maxConcurrentPerHost, budgetMBps);
            var bandwidth = new BandwidthShares();
            // When each move started, until it is seen transferring: how long preparing takes is what the pipeline overlaps.
            var startedAt = new Dictionary<GovernedMove, DateTime>();
            var running = new Dictionary<Task<MigrationResult>, (TStep Step, GovernedMove Move, MigrationPrediction Prediction)>();
            var halted = false;

            while (queue.Count > 0 || running.Count > 0)
            {
                if (!halted && hold?.LostReason is string lost)
                {
                    halted = true;
                    observer.Warning(lost);
                }
                var mayStart = !cancellationToken.IsCancellationRequested && !halted;
                foreach (var step in mayStart ? queue.ToList() : new List<TStep>())
                {
                    if (hooks.Skip(step))
                    {
                        continue;
                    }
                    var move = new GovernedMove(step.Guest.Name, step.Step.Source, step.Step.Destination, step.DirtyRateMBps, step.Guest.MemoryMB << 20);
                    if (!governor.CanStart(move))
                    {
                        continue;
                    }
                    queue.Remove(step);
                    var share = governor.Shares(move)[move];
                    var transferShare = governor.TransferShareFor(move);
                    if (!(hooks.Admit(step, transferShare) is TimeSpan timeout))
                    {
                        continue;
                    }
                    governor.Started(move);
                    hooks.Started(step);
                    var source = registry.Resolve(step.Step.Source);
                    var request = new LiveMigrationRequest(new LocatedVM(source, step.Guest), registry.Resolve(step.Step.Destination))
                    {
                        BandwidthMBps = share,
                        TransferBandwidthMBps = transferShare,
                        MaxDowntimeMs = maxDowntimeMs,
                        AllowPostCopy = allowPostCopy,
                        Encryption = encryption,
                        MigrationNetwork = migrationNetwork,
                        Timeout = timeout,
                        KnownDirtyRateMBps = step.MeasuredDirtyRateMBps,
                    };
                    bandwidth.Started(move, source, share);
                    startedAt[move] = DateTime.UtcNow;
                    var progress = new ForwardingProgress(observer, move);
                    var prediction = step.Predict(budgetMBps, maxDowntimeMs, share);
                    running[DedicatedThread.Start(() => new LiveMigrationJob(request, progress, PollInterval).Run(cancellationToken))] = (step, move, prediction);
                }

                if (running.Count == 0)
                {
                    if (queue.Count > 0 && (cancellationToken.IsCancellationRequested || halted || queue.All(hooks.Skip)))
                    {
                        break;
                    }
                    continue;
                }

                foreach (var move in governor.InFlight.Where(m => m.Transferring && startedAt.ContainsKey(m)).ToList())
                {
                    governor.ObservePrepare(DateTime.UtcNow - startedAt[move]);
                    startedAt.Remove(move);
                }
                bandwidth.Apply(governor.Shares());
                var finished = Task.WhenAny(running.Keys).Wait(PollInterval) ? running.Keys.Where(t => t.IsCompleted).ToList() : new List<Task<MigrationResult>>();
                foreach (var task in finished)
                {
                    var (step, move, prediction) = running[task];
                    running.Remove(task);
                    task.Result.Prediction = prediction;
                    governor.Finished(move);
                    bandwidth.Finished(move);
                    startedAt.Remove(move);
                    if (hooks.Finished(step, task.Result))
                    {
                        halted = true;
                    }
                }
            }
        }

        private sealed class ForwardingProgress : IProgress<MigrationProgress>
        {
            private readonly IEvacuationObserver observer;
            private readonly GovernedMove move;

            public ForwardingProgress(IEvacuationObserver observer, GovernedMove move)
            {
                this.observer = observer;
                this.move = move;
            }

            public void Report(MigrationProgress value)
            {
                if (value.Phase == MigrationPhase.PreCopy && !value.Completed)
                {
                    move.Progressed(value.TransferredBytes, value.RemainingBytes);
                }
                observer.MoveProgress(value);
            }
        }
    }
}
