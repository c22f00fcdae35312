using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Phases;
using Xunit;

namespace VmMigration.Tests.Execution.Phases
{
    public class PhasedJobTests
    {
        private enum Step { One, Two, Three, Settle }

        private readonly List<string> log = new List<string>();

        private static MigrationException Error(string id, string message) => new MigrationException(id, ErrorKind.InvalidOperation, message);

        private PhasedJob<Step> NewJob() => new PhasedJob<Step>(phase => Error(ErrorIds.MigrationAborted, $"stopped in {phase}"), phase => log.Add("enter " + phase));

        [Fact]
        public void A_job_whose_phases_succeed_runs_them_in_order_then_its_clean_ups_last_registered_first()
        {
            var job = NewJob();
            job.Phase(Step.One, _ => { log.Add("one"); job.OnEnd(() => log.Add("undo one")); })
               .Phase(Step.Two, _ => { log.Add("two"); job.OnEnd(() => log.Add("undo two")); });

            var outcome = job.Run(CancellationToken.None);

            Assert.Equal(JobEnd.Finished, outcome.End);
            Assert.Equal(MigrationStatus.Succeeded, outcome.Status);
            Assert.Equal(new[] { "enter One", "one", "enter Two", "two", "undo two", "undo one" }, log);
            Assert.Null(outcome.Message(null));
        }

        [Fact]
        public void A_failed_phase_skips_the_later_phases_but_not_the_settle_steps_and_clean_ups()
        {
            var job = NewJob();
            MigrationException? seen = null;
            job.Phase(Step.One, _ => job.OnEnd(() => log.Add("undo one")))
               .Phase(Step.Two, _ => throw Error(ErrorIds.MigrationFailed, "two broke."))
               .Phase(Step.Three, _ => log.Add("three"))
               .Settle(Step.Settle, failure => seen = failure);

            var outcome = job.Run(CancellationToken.None);

            Assert.Equal(JobEnd.Aborted, outcome.End);
            Assert.Equal(MigrationStatus.Failed, outcome.Status);
            Assert.Equal(Step.Two, outcome.Phase);
            Assert.Equal(ErrorIds.MigrationFailed, outcome.Failure!.ErrorId);
            Assert.Same(outcome.Failure, seen);
            Assert.DoesNotContain("three", log);
            Assert.DoesNotContain("enter Settle", log); // after a failure the job stays in the phase it failed in
            Assert.Contains("undo one", log);
        }

        [Fact]
        public void What_fails_after_the_first_failure_and_in_clean_ups_is_kept_as_a_problem()
        {
            var job = NewJob();
            job.Phase(Step.One, _ => job.OnEnd(() => throw Error(ErrorIds.MigrationFailed, "the copy on b could not be deleted")))
               .Phase(Step.Two, _ => throw Error(ErrorIds.MigrationFailed, "Two broke."))
               .Settle(Step.Settle, _ => throw Error(ErrorIds.HostUnreachable, "b did not answer"));

            var outcome = job.Run(CancellationToken.None);

            Assert.Equal(ErrorIds.MigrationFailed, outcome.Failure!.ErrorId);
            Assert.Equal(new[] { "b did not answer", "the copy on b could not be deleted" }, outcome.Problems);
            Assert.Equal("Two broke. Noted. B did not answer. The copy on b could not be deleted.", outcome.Message("Noted."));
        }

        [Fact]
        public void A_job_that_only_fails_in_its_clean_up_finished_with_problems()
        {
            var job = NewJob();
            job.Phase(Step.One, _ => job.Try("remove the old definition on 'a'", () => throw Error(ErrorIds.HostUnreachable, "'a' did not answer.")));

            var outcome = job.Run(CancellationToken.None);

            Assert.Equal(JobEnd.FinishedWithProblems, outcome.End);
            Assert.Equal(MigrationStatus.Succeeded, outcome.Status);
            Assert.Equal("Could not remove the old definition on 'a': 'a' did not answer.", outcome.ProblemsText);
        }

        [Fact]
        public void Cancelling_stops_the_job_in_the_phase_it_was_in_and_counts_as_stopped()
        {
            using var cancel = new CancellationTokenSource();
            var job = NewJob();
            job.Phase(Step.One, _ => { })
               .Phase(Step.Two, token => { cancel.Cancel(); token.ThrowIfCancellationRequested(); })
               .Phase(Step.Three, _ => log.Add("three"));

            var outcome = job.Run(cancel.Token);

            Assert.True(outcome.Stopped);
            Assert.Equal(MigrationStatus.Aborted, outcome.Status);
            Assert.Equal("stopped in Two", outcome.Failure!.Message);
            Assert.DoesNotContain("three", log);
        }

        [Fact]
        public void A_phase_that_ends_the_job_on_purpose_is_stopped_and_a_plain_failure_is_not()
        {
            var stopped = NewJob();
            stopped.Phase(Step.One, _ => throw new JobStopped(Error(ErrorIds.MigrationStalled, "no progress for 30 s")));
            var failed = NewJob();
            failed.Phase(Step.One, _ => throw Error(ErrorIds.MigrationStalled, "no progress for 30 s"));

            Assert.Equal(MigrationStatus.Aborted, stopped.Run(CancellationToken.None).Status);
            Assert.Equal(MigrationStatus.Failed, failed.Run(CancellationToken.None).Status);
        }

        [Fact]
        public void An_unforeseen_exception_still_runs_every_clean_up_and_is_rethrown()
        {
            var job = NewJob();
            job.Phase(Step.One, _ => job.OnEnd(() => log.Add("undo one")))
               .Phase(Step.Two, _ => throw new InvalidOperationException("bug"));

            Assert.Throws<InvalidOperationException>(() => job.Run(CancellationToken.None));
            Assert.Contains("undo one", log);
        }

        [Fact]
        public void Undo_steps_run_only_when_the_job_does_not_finish()
        {
            var finished = NewJob();
            finished.Phase(Step.One, _ => finished.OnFailure(() => log.Add("undo finished")));
            var failed = NewJob();
            failed.Phase(Step.One, _ => failed.OnFailure(() => log.Add("undo failed")))
                  .Phase(Step.Two, _ => throw Error(ErrorIds.MigrationFailed, "two broke"));

            finished.Run(CancellationToken.None);
            failed.Run(CancellationToken.None);

            Assert.DoesNotContain("undo finished", log);
            Assert.Contains("undo failed", log);
        }
    }
}
