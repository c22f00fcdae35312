using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>Measure-MigrationVM's engine: what it samples of running VMs, and the prediction it gives for each destination.</summary>
    public sealed class MigrationVMMeasurerTests
    {
        private readonly ManualClock clock = new ManualClock(new DateTime(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;
        private readonly Inventory inventory;

        public MigrationVMMeasurerTests()
        {
            cluster.Clock = () => clock.UtcNow;
            cluster.AddHost("fake://a", "a");
            cluster.AddHost("fake://b", "b", freeMemoryMB: 4096);
            cluster.AddHost("fake://c", "c", freeMemoryMB: 1024);
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            foreach (var host in new[] { "a", "b", "c" })
                registry.Connect(new HostUri("fake://" + host), host, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            inventory = new Inventory(registry);
        }

        private LocatedVM Running(string host, string name, long memoryMB, int vcpus, double cpuPercent)
        {
            var guest = cluster["fake://" + host].AddGuest(name, memoryMB: memoryMB);
            guest.VCpuCount = vcpus;
            cluster.SetCpuUsage(name, cpuPercent, vcpus);
            return inventory.Locate(name, null, CancellationToken.None);
        }

        private IReadOnlyList<MigrationMeasurement> Measure(MigrationVMMeasurer measurer, List<(string, MigrationException)> failures, params LocatedVM[] vms) =>
            measurer.Measure(vms, Array.Empty<ConnectedHost>(), registry.Hosts, (name, error) => failures.Add((name, error)), CancellationToken.None);

        [Fact]
        public void Samples_cpu_and_dirty_rate_and_predicts_a_move_to_every_other_host_with_the_convergence_model()
        {
            cluster["fake://a"].DirtyRate = 40;
            var web = Running("a", "web1", memoryMB: 2048, vcpus: 2, cpuPercent: 35);
            var measurer = new MigrationVMMeasurer(inventory, clock) { Window = TimeSpan.FromSeconds(5), BandwidthMBps = 100, MaxDowntimeMs = 300 };
            var failures = new List<(string, MigrationException)>();

            var measured = Measure(measurer, failures, web);

            Assert.Empty(failures);
            Assert.Equal(new[] { "b", "c" }, measured.Select(m => m.Destination).OrderBy(d => d));
            var expected = new ConvergenceModel(100, 300).Predict(2048, 40);
            foreach (var m in measured)
            {
                Assert.Equal("web1", m.VMName);
                Assert.Equal("a", m.HostName);
                Assert.Equal(35, m.CpuUsagePercent!.Value, 1);
                Assert.Equal(40, m.DirtyRateMBps);
                Assert.Equal(40, m.PredictedWithDirtyRateMBps);
                Assert.True(m.SampleSec >= 5);
                Assert.Equal(expected.Converges, m.Converges);
                Assert.Equal(Math.Round(expected.DurationSec, 2), m.PredictedDurationSec);
                Assert.Equal(Math.Round(expected.DowntimeMs, 1), m.PredictedDowntimeMs);
                Assert.Equal(Math.Round(expected.TransferredMB, 1), m.PredictedTransferredMB);
            }
            Assert.True(measured.Single(m => m.Destination == "b").Fits);
            Assert.False(measured.Single(m => m.Destination == "c").Fits); // 1024 MB free for a 2048 MB VM
        }

        [Fact]
        public void A_faster_dirtying_guest_is_predicted_to_take_longer()
        {
            cluster["fake://a"].DirtyRate = 5;
            cluster["fake://b"].DirtyRate = 90;
            var calm = Running("a", "calm", 2048, 1, 10);
            var busy = Running("b", "busy", 2048, 1, 10);
            var measurer = new MigrationVMMeasurer(inventory, clock) { BandwidthMBps = 100 };
            var failures = new List<(string, MigrationException)>();

            var measured = Measure(measurer, failures, calm, busy);

            var toC = measured.Where(m => m.Destination == "c").ToDictionary(m => m.VMName);
            Assert.True(toC["busy"].PredictedDurationSec > toC["calm"].PredictedDurationSec);
            Assert.True(toC["busy"].PredictedTransferredMB > toC["calm"].PredictedTransferredMB);
        }

        [Fact]
        public void A_host_that_cannot_measure_the_dirty_rate_gets_the_assumed_rate_and_says_so()
        {
            cluster["fake://a"].DirtyRate = null;
            var web = Running("a", "web1", 1024, 1, 20);
            var measurer = new MigrationVMMeasurer(inventory, clock) { AssumedDirtyRateMBps = 12 };
            var failures = new List<(string, MigrationException)>();

            var measured = Measure(measurer, failures, web);

            Assert.All(measured, m => Assert.Null(m.DirtyRateMBps));
            Assert.All(measured, m => Assert.Equal(12, m.PredictedWithDirtyRateMBps));
            var expected = new ConvergenceModel(measurer.BandwidthMBps, measurer.MaxDowntimeMs).Predict(1024, 12);
            Assert.All(measured, m => Assert.Equal(Math.Round(expected.DurationSec, 2), m.PredictedDurationSec));
        }

        [Fact]
        public void A_vm_gone_before_its_sample_is_reported_and_the_others_are_measured()
        {
            var web = Running("a", "web1", 1024, 1, 20);
            var gone = Running("b", "gone", 1024, 1, 20);
            cluster["fake://b"].UndefineGuest("gone");
            var measurer = new MigrationVMMeasurer(inventory, clock);
            var failures = new List<(string, MigrationException)>();

            var measured = Measure(measurer, failures, web, gone);

            var failure = Assert.Single(failures);
            Assert.Equal("gone", failure.Item1);
            Assert.Equal(ErrorIds.VmNotFound, failure.Item2.ErrorId);
            Assert.All(measured, m => Assert.Equal("web1", m.VMName));
            Assert.Equal(2, measured.Count);
        }
    }
}
