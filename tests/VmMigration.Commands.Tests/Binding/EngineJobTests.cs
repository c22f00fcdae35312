using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Commands.Tests.Binding
{
    /// <summary>
    /// What a user sees of an -AsJob job: its state says what happened, as Start-Job's do, and its errors carry the same full
    /// ids as the cmdlet's own, so `Receive-Job` output matches the ids the help tells users to match.
    /// </summary>
    public class EngineJobTests
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

        private static EngineJob Finished(Type cmdlet, Action<EngineJob> body)
        {
            var job = new EngineJob(cmdlet, "test", "test job", (j, token) => body(j));
            job.Start();
            Assert.True(job.Finished.WaitOne(Patience), "the job did not finish");
            return job;
        }

        [Fact]
        public void A_job_in_which_one_move_failed_is_Failed_and_its_error_has_the_cmdlets_full_id()
        {
            using var job = Finished(typeof(MoveVMLiveCommand), j =>
            {
                j.WriteResult(Results.Of("web1", MigrationStatus.Succeeded));
                j.WriteResult(Results.Failed("web2"));
            });

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            Assert.Equal(2, job.Output.Count);
            var error = Assert.Single(job.Error);
            Assert.Equal("LibvirtError,VmMigration.Commands.MoveVMLiveCommand", error.FullyQualifiedErrorId);
            Assert.Equal("web2", error.TargetObject);
        }

        [Fact]
        public void A_job_of_succeeded_and_skipped_moves_is_Completed_without_errors()
        {
            using var job = Finished(typeof(MoveVMLiveCommand), j =>
            {
                j.WriteResult(Results.Of("web1", MigrationStatus.Succeeded));
                j.WriteResult(Results.NothingToMove("web2"));
            });

            Assert.Equal(JobState.Completed, job.JobStateInfo.State);
            Assert.Equal(2, job.Output.Count);
            Assert.Empty(job.Error);
        }

        [Fact]
        public void A_job_whose_work_refuses_to_start_is_Failed_with_the_full_id_of_the_refusal()
        {
            using var job = Finished(typeof(InvokeHostEvacuationCommand), j =>
                throw new MigrationException(ErrorIds.CannotEvacuateAllHosts, ErrorKind.InvalidArgument, "Evacuating 'lab1' would leave no host in service.", "lab1"));

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            var error = Assert.Single(job.Error);
            Assert.Equal("CannotEvacuateAllHosts,VmMigration.Commands.InvokeHostEvacuationCommand", error.FullyQualifiedErrorId);
            Assert.Equal("lab1", error.TargetObject);
        }

        [Fact]
        public void An_unexpected_exception_fails_the_job_with_a_full_JobFailed_id()
        {
            using var job = Finished(typeof(CopyVMCloneCommand), j => throw new InvalidOperationException("boom"));

            Assert.Equal(JobState.Failed, job.JobStateInfo.State);
            Assert.Equal("JobFailed,VmMigration.Commands.CopyVMCloneCommand", Assert.Single(job.Error).FullyQualifiedErrorId);
        }

        [Fact]
        public void A_jobs_full_id_is_the_one_PowerShell_gives_the_same_error_from_the_cmdlet()
        {
            using var shell = new HostedPowerShell(("Import-MigrationPlan", typeof(ImportMigrationPlanCommand)));
            var missing = System.IO.Path.Combine(System.IO.Path.GetTempPath(), Guid.NewGuid() + ".json");
            var fromCmdlet = Assert.Single(shell.Run($"Import-MigrationPlan -Path '{missing}'").Errors);

            using var job = Finished(typeof(ImportMigrationPlanCommand), j => PlanJson.Read(missing));

            Assert.Equal(fromCmdlet.FullyQualifiedErrorId, Assert.Single(job.Error).FullyQualifiedErrorId);
            Assert.StartsWith(ErrorIds.InvalidPlan + ",", fromCmdlet.FullyQualifiedErrorId);
        }
    }
}
