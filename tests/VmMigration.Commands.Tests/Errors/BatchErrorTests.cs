using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Commands.Tests.Errors
{
    /// <summary>
    /// One VM failing inside a batch is a non-terminating error with the cmdlet's full id, and the batch goes on;
    /// -ErrorAction Stop makes that error stop the batch, as a runbook that must not go on expects.
    /// </summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class BatchErrorTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public BatchErrorTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");

        public void Dispose() => session.Dispose();

        [Fact]
        public void A_VM_that_does_not_exist_is_a_non_terminating_VmNotFound_and_the_batch_goes_on()
        {
            var run = session.Run("Move-VMLive -VM web1, ghost, web2 -Destination host2");

            var error = Assert.Single(run.Errors);
            Assert.Equal("VmNotFound,VmMigration.Commands.MoveVMLiveCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("ghost", error.TargetObject);
            Assert.Equal(new[] { "web1", "web2" }, run.Objects<MigrationResult>().Select(r => r.VMName));
            Assert.Equal(new[] { "host2" }, session.HostsOf("web2"));
        }

        [Fact]
        public void A_name_running_on_two_hosts_is_AmbiguousVmName_and_the_batch_goes_on()
        {
            session.Cluster[FakeSession.UriOf("host2")].AddGuest("web1");

            var run = session.Run("Move-VMLive -VM web1, web2 -Destination host2");

            var error = Assert.Single(run.Errors);
            Assert.Equal("AmbiguousVmName,VmMigration.Commands.MoveVMLiveCommand", error.FullyQualifiedErrorId);
            Assert.Contains("host1", error.Exception.Message);
            Assert.Equal("web2", Assert.Single(run.Objects<MigrationResult>()).VMName);
        }

        [Fact]
        public void ErrorAction_Stop_makes_the_failure_terminating_and_the_VMs_after_it_stay()
        {
            var error = session.Shell.ErrorThatStops("Move-VMLive -VM web1, ghost, web2 -Destination host2 -ErrorAction Stop");

            Assert.Equal("VmNotFound,VmMigration.Commands.MoveVMLiveCommand", error.FullyQualifiedErrorId);
            Assert.Equal(new[] { "host2" }, session.HostsOf("web1"));
            Assert.Equal(new[] { "host1" }, session.HostsOf("web2"));
        }

        [Fact]
        public void ErrorAction_SilentlyContinue_hides_the_error_but_still_moves_the_rest()
        {
            var run = session.Run("Move-VMLive -VM ghost, web1 -Destination host2 -ErrorAction SilentlyContinue -ErrorVariable failed; $failed");

            Assert.Empty(run.Errors);
            var recorded = Assert.Single(run.Output.Select(o => o.BaseObject).OfType<ErrorRecord>());
            Assert.Equal("VmNotFound,VmMigration.Commands.MoveVMLiveCommand", recorded.FullyQualifiedErrorId);
            Assert.Equal(new[] { "host2" }, session.HostsOf("web1"));
        }

        [Fact]
        public void A_move_that_fails_on_the_host_writes_a_Failed_result_and_an_error_with_its_full_id()
        {
            session.Cluster[FakeSession.UriOf("host1")].Outcome = FakeOutcome.DestinationDies;

            var run = session.Run("Move-VMLive -VM web1 -Destination host2");

            var result = Assert.Single(run.Objects<MigrationResult>());
            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal("host1", result.RunningOn);
            Assert.Equal($"{result.ErrorId},VmMigration.Commands.MoveVMLiveCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Equal("MigrationFailed,VmMigration.Commands.MoveVMLiveCommand", run.Errors[0].FullyQualifiedErrorId);
        }

        [Fact]
        public void A_destination_that_is_not_connected_is_a_bad_invocation_that_moves_nothing()
        {
            var error = session.Shell.ErrorThatStops("Move-VMLive -VM web1, web2 -Destination nowhere");

            Assert.Equal("HostNotFound,VmMigration.Commands.MoveVMLiveCommand", error.FullyQualifiedErrorId);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
        }
    }
}
