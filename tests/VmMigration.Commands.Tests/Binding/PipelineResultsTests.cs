using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using Xunit;

namespace VmMigration.Commands.Tests.Binding
{
    /// <summary>What a cmdlet writes for each move's result: every cmdlet that reports results goes through PipelineResults.</summary>
    public class PipelineResultsTests
    {
        /// <summary>A cmdlet that reports a result the way Move-VMLive, the evacuation and the failback do.</summary>
        [Cmdlet("Write", "TestResult")]
        public sealed class WriteTestResultCommand : PSCmdlet
        {
            [Parameter(Mandatory = true)]
            public MigrationStatus Status { get; set; }

            protected override void ProcessRecord() =>
                this.WriteResult(Status == MigrationStatus.Skipped ? Results.NothingToMove("web1") : Results.Of("web1", Status, Status == MigrationStatus.Succeeded ? null : ErrorIds.LibvirtError));
        }

        private static HostedPowerShell Shell() => new HostedPowerShell(("Write-TestResult", typeof(WriteTestResultCommand)));

        [Theory]
        [InlineData(MigrationStatus.Succeeded)]
        [InlineData(MigrationStatus.Skipped)]
        public void A_result_that_is_not_a_failure_passes_under_ErrorAction_Stop(MigrationStatus status)
        {
            using var shell = Shell();
            var (output, errors) = shell.Run($"Write-TestResult -Status {status} -ErrorAction Stop");
            Assert.Equal(status, Assert.IsType<MigrationResult>(Assert.Single(output).BaseObject).Status);
            Assert.Empty(errors);
        }

        [Theory]
        [InlineData(MigrationStatus.Failed)]
        [InlineData(MigrationStatus.Aborted)]
        public void A_failure_is_the_result_and_an_error_with_its_full_id(MigrationStatus status)
        {
            using var shell = Shell();
            var (output, errors) = shell.Run($"Write-TestResult -Status {status}");
            Assert.Single(output);
            Assert.Equal("LibvirtError," + typeof(WriteTestResultCommand).FullName, Assert.Single(errors).FullyQualifiedErrorId);

            var stopped = Assert.ThrowsAny<RuntimeException>(() => shell.Run($"Write-TestResult -Status {status} -ErrorAction Stop"));
            Assert.StartsWith("LibvirtError,", stopped.ErrorRecord.FullyQualifiedErrorId);
        }
    }
}
