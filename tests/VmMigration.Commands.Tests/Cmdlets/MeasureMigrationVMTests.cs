using System;
using System.Linq;
using VmMigration.Providers;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Measure-MigrationVM at the prompt: one row per VM and destination, a stopped VM told apart, nothing moved.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class MeasureMigrationVMTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public MeasureMigrationVMTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2", "db1");

        public void Dispose() => session.Dispose();

        [Fact]
        public void Measures_the_piped_vms_together_and_names_a_stopped_one_as_not_running()
        {
            session.Cluster[FakeSession.UriOf("host1")].DirtyRate = 25;
            session.Cluster[FakeSession.UriOf("host1")].Guest("db1")!.State = VMState.ShutOff;

            var run = session.Run("Get-MigrationVM | Measure-MigrationVM -SampleSec 1 -BandwidthMBps 50");

            var measured = run.Objects<MigrationMeasurement>().ToList();
            Assert.Equal(new[] { "web1", "web2" }, measured.Select(m => m.VMName).OrderBy(n => n));
            Assert.All(measured, m => Assert.Equal("host2", m.Destination));
            Assert.All(measured, m => Assert.Equal(25, m.DirtyRateMBps));
            Assert.All(measured, m => Assert.Equal(50, m.BandwidthMBps));
            Assert.All(measured, m => Assert.True(m.PredictedDurationSec > 0));
            var error = Assert.Single(run.Errors);
            Assert.StartsWith("VmNotRunning,", error.FullyQualifiedErrorId);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
        }
    }
}
