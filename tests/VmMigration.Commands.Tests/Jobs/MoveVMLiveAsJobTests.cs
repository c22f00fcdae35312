using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Commands.Tests.Jobs
{
    /// <summary>Move-VMLive -AsJob: a job at once, the moves in the background, results and errors through Receive-Job.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class MoveVMLiveAsJobTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public MoveVMLiveAsJobTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");

        public void Dispose() => session.Dispose();

        [Fact]
        public void AsJob_returns_a_job_whose_results_are_the_moves()
        {
            var started = session.Run("Move-VMLive -VM web1, web2 -Destination host2 -AsJob");
            Assert.IsAssignableFrom<Job>(Assert.Single(started.Output).BaseObject);

            var received = session.Run("Get-Job | Wait-Job -Timeout 60 | Receive-Job");

            Assert.Empty(received.Errors);
            Assert.Equal(new[] { "web1", "web2" }, received.Objects<MigrationResult>().Select(r => r.VMName));
            Assert.Equal("Completed", session.Run("(Get-Job).State").Output.Single().ToString());
            Assert.Equal(new[] { "host2" }, session.HostsOf("web2"));
        }

        [Fact]
        public void A_job_with_a_failed_move_is_Failed_and_Receive_Job_gives_the_error_with_the_cmdlets_full_id()
        {
            session.Cluster[FakeSession.UriOf("host1")].Outcome = FakeOutcome.DestinationDies;

            var received = session.Run("Move-VMLive -VM web1 -Destination host2 -AsJob | Wait-Job -Timeout 60 | Receive-Job");

            Assert.Equal(MigrationStatus.Failed, Assert.Single(received.Objects<MigrationResult>()).Status);
            Assert.Equal("MigrationFailed,VmMigration.Commands.MoveVMLiveCommand", Assert.Single(received.Errors).FullyQualifiedErrorId);
            Assert.Equal("Failed", session.Run("(Get-Job).State").Output.Single().ToString());
        }

        [Fact]
        public void A_VM_that_does_not_exist_is_reported_before_the_job_starts_and_the_others_still_move()
        {
            var started = session.Run("Move-VMLive -VM ghost, web1 -Destination host2 -AsJob");

            Assert.Equal("VmNotFound,VmMigration.Commands.MoveVMLiveCommand", Assert.Single(started.Errors).FullyQualifiedErrorId);
            var received = session.Run("Get-Job | Wait-Job -Timeout 60 | Receive-Job");
            Assert.Equal("web1", Assert.Single(received.Objects<MigrationResult>()).VMName);
        }
    }
}
