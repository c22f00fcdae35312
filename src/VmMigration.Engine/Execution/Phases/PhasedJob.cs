using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Execution.Phases
{
    /// <summary>
    /// The skeleton every job that changes hosts runs on (live and storage moves, cold moves, clones), after Proxmox's
    /// AbstractMigrate: named phases run in order while none failed; a phase registers the clean-up of what it made
    /// (<see cref="OnEnd"/>, or <see cref="OnFailure"/> for an undo), and every registered clean-up runs when the job ends,
    /// last registered first, whatever happened, even when a phase threw something unforeseen; <see cref="Settle"/> steps run after a failure too (finding
    /// out where a VM ended up). The first failure is the job's; what goes wrong after it, and every clean-up step that
    /// fails, is a problem (<see cref="Problem"/>), collected in the outcome: Finished, FinishedWithProblems or Aborted.
    /// Decisions are made on typed facts: the failure's <see cref="MigrationException"/> (id, kind) and whether the job was
    /// stopped on purpose (<see cref="JobStopped"/>, the token, or a MigrationAborted failure), never on a message's text.
    /// </summary>
    /// <typeparam name="TPhase">the job's phase names (an enum)</typeparam>
    public sealed class PhasedJob<TPhase> where TPhase : struct
    {
        private readonly List<Step> steps = new List<Step>();
        private readonly Stack<(Action Cleanup, bool OnlyOnFailure)> cleanups = new Stack<(Action, bool)>();
        private readonly List<string> problems = new List<string>();
        private readonly Func<TPhase, MigrationException> stoppedInPhase;
        private readonly Action<TPhase>? entered;
        private MigrationException? failure;
        private bool stopped;

        /// <param name="stoppedInPhase">the failure of a job whose token was cancelled during that phase</param>
        /// <param name="entered">told each phase the job enters while nothing has failed (for progress and results)</param>
        public PhasedJob(Func<TPhase, MigrationException> stoppedInPhase, Action<TPhase>? entered = null)
        {
            this.stoppedInPhase = stoppedInPhase;
            this.entered = entered;
        }

        /// <summary>The phase running now, or the one the job failed in.</summary>
        public TPhase Current { get; private set; }

        /// <summary>The job's failure so far; null while none.</summary>
        public MigrationException? Failure => failure;

        /// <summary>Adds a phase; it runs only when every earlier one succeeded.</summary>
        public PhasedJob<TPhase> Phase(TPhase phase, Action<CancellationToken> run)
        {
            steps.Add(new Step(phase, run, null));
            return this;
        }

        /// <summary>Adds a step that runs after the phases before it whether they failed or not; it is told the failure (null when none).</summary>
        public PhasedJob<TPhase> Settle(TPhase phase, Action<MigrationException?> run)
        {
            steps.Add(new Step(phase, null, run));
            return this;
        }

        /// <summary>Moves on to a named phase inside the phase running (the hypervisor reports a switch-over, say).</summary>
        /// <remarks>After a failure the job stays in the phase it failed in.</remarks>
        public void Advance(TPhase phase)
        {
            if (failure != null) return;
            Current = phase;
            entered?.Invoke(phase);
        }

        /// <summary>Registers the clean-up of something this job made or took: it runs when the job ends, whatever happened.</summary>
        public void OnEnd(Action cleanup) => cleanups.Push((cleanup, false));

        /// <summary>
        /// Registers the undoing of something this job made, for when the job does not finish (a phase failed or threw
        /// something unforeseen); it runs in the same last-first order as <see cref="OnEnd"/>.
        /// </summary>
        public void OnFailure(Action undo) => cleanups.Push((undo, true));

        /// <summary>Records something that went wrong without deciding the job's outcome (a sentence, for the result's message).</summary>
        public void Problem(string problem)
        {
            if (!string.IsNullOrEmpty(problem)) problems.Add(problem);
        }

        /// <summary>Records each of <paramref name="found"/> as a problem.</summary>
        public void Problems(IEnumerable<string> found)
        {
            foreach (var problem in found) Problem(problem);
        }

        /// <summary>A best-effort step: a failure of it is a problem ("could not <paramref name="what"/>: ..."); false then.</summary>
        public bool Try(string what, Action step)
        {
            try
            {
                step();
                return true;
            }
            catch (MigrationException error)
            {
                Problem($"could not {what}: {error.Message}");
                return false;
            }
        }

        /// <summary>Runs the phases, then the clean-ups. Never throws a MigrationException: the outcome carries it.</summary>
        public JobOutcome<TPhase> Run(CancellationToken cancellationToken)
        {
            var ranThrough = false;
            try
            {
                foreach (var step in steps)
                {
                    if (step.Run != null && failure != null) continue;
                    Advance(step.Phase);
                    try
                    {
                        if (step.Run != null)
                        {
                            cancellationToken.ThrowIfCancellationRequested();
                            step.Run(cancellationToken);
                        }
                        else
                        {
                            step.Settle!(failure);
                        }
                    }
                    catch (JobStopped stop) { Fail(stop.Reason, deliberately: true); }
                    catch (OperationCanceledException) { Fail(stoppedInPhase(Current), deliberately: true); }
                    catch (MigrationException error) { Fail(error, deliberately: error.ErrorId == ErrorIds.MigrationAborted); }
                }
                ranThrough = true;
            }
            finally
            {
                while (cleanups.Count > 0)
                {
                    var (cleanup, onlyOnFailure) = cleanups.Pop();
                    if (onlyOnFailure && ranThrough && failure == null) continue;
                    try
                    {
                        cleanup();
                    }
                    catch (MigrationException error)
                    {
                        Problem(error.Message);
                    }
                }
            }
            var end = failure != null ? JobEnd.Aborted : problems.Count > 0 ? JobEnd.FinishedWithProblems : JobEnd.Finished;
            return new JobOutcome<TPhase>(end, Current, failure, stopped, problems);
        }

        private void Fail(MigrationException error, bool deliberately)
        {
            if (failure != null)
            {
                Problem(error.Message);
                return;
            }
            failure = error;
            stopped = deliberately;
        }

        private sealed class Step
        {
            public Step(TPhase phase, Action<CancellationToken>? run, Action<MigrationException?>? settle)
            {
                Phase = phase;
                Run = run;
                Settle = settle;
            }

            public TPhase Phase { get; }
            public Action<CancellationToken>? Run { get; }
            public Action<MigrationException?>? Settle { get; }
        }
    }
}
