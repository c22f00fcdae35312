using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// Samples what the planner and the convergence model reason with (CPU use, dirty rate, memory) for running VMs, all
    /// VMs at once over one window, and predicts a live move of each to every other connected host with
    /// <see cref="ConvergenceModel"/>: the same prediction a plan step and the migration controller start from.
    /// </summary>
    public sealed class MigrationVMMeasurer
    {
        private readonly Inventory inventory;
        private readonly Clock clock;

        public MigrationVMMeasurer(Inventory inventory, Clock clock)
        {
            this.inventory = inventory;
            this.clock = clock;
        }

        public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(2);
        public double BandwidthMBps { get; set; } = 128;
        public double MaxDowntimeMs { get; set; } = 300;
        /// <summary>Used for a VM whose host cannot measure its dirty rate (the planner's own assumption).</summary>
        public double AssumedDirtyRateMBps { get; set; }

        /// <summary>
        /// One measurement per VM and destination (every connected host but its own when <paramref name="destinations"/> is
        /// empty). A VM that cannot be sampled is reported to <paramref name="failed"/> and the others go on: one slow host
        /// costs its own VMs their call limit, never the rest their window.
        /// </summary>
        public IReadOnlyList<MigrationMeasurement> Measure(IReadOnlyList<LocatedVM> vms, IReadOnlyList<ConnectedHost> destinations,
            IReadOnlyList<ConnectedHost> connected, Action<string, MigrationException> failed, CancellationToken cancellationToken)
        {
            var samples = vms.Select(vm => Task.Run(() => Sample(vm, cancellationToken), cancellationToken)).ToArray();
            var targets = destinations.Count > 0 ? destinations : connected;
            var free = inventory.DescribeHosts(targets, cancellationToken)
                .Where(h => h.State != HostState.Unreachable)
                .ToDictionary(h => h.Name, h => h, StringComparer.OrdinalIgnoreCase);
            var model = new ConvergenceModel(BandwidthMBps, MaxDowntimeMs);
            var measured = new List<MigrationMeasurement>();
            for (int i = 0; i < vms.Count; i++)
            {
                var vm = vms[i];
                VMSample sample;
                try
                {
                    sample = samples[i].GetAwaiter().GetResult();
                }
                catch (MigrationException error)
                {
                    failed(vm.Guest.Name, error);
                    continue;
                }
                var dirtyRate = sample.DirtyRateMBps ?? AssumedDirtyRateMBps;
                var prediction = model.Predict(vm.Guest.MemoryMB, dirtyRate);
                foreach (var target in targets.Where(t => !string.Equals(t.Name, vm.Host.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    var host = free.TryGetValue(target.Name, out var described) ? described : null;
                    measured.Add(new MigrationMeasurement
                    {
                        VMName = vm.Guest.Name,
                        HostName = vm.Host.Name,
                        Destination = target.Name,
                        MemoryMB = vm.Guest.MemoryMB,
                        VCpuCount = vm.Guest.VCpuCount,
                        CpuUsagePercent = sample.CpuUsagePercent,
                        DirtyRateMBps = sample.DirtyRateMBps,
                        PredictedWithDirtyRateMBps = dirtyRate,
                        SampleSec = Math.Round(sample.Seconds, 3),
                        BandwidthMBps = BandwidthMBps,
                        MaxDowntimeMs = MaxDowntimeMs,
                        DestinationFreeMemoryMB = host?.FreeMemoryMB,
                        Fits = host == null ? (bool?)null : host.FreeMemoryMB >= vm.Guest.MemoryMB,
                        Converges = prediction.Converges,
                        PredictedRounds = prediction.Rounds,
                        PredictedDurationSec = Math.Round(prediction.DurationSec, 2),
                        PredictedDowntimeMs = Math.Round(prediction.DowntimeMs, 1),
                        PredictedTransferredMB = Math.Round(prediction.TransferredMB, 1),
                    });
                }
            }
            return measured;
        }

        private VMSample Sample(LocatedVM vm, CancellationToken cancellationToken)
        {
            var connection = vm.Host.Connection;
            var name = vm.Guest.Name;
            var startedAt = clock.UtcNow;
            var before = connection.FindGuest(name) ?? throw Gone(vm);
            // Read now: a provider may hand back the same object, updated, on the next call.
            long cpuTimeBefore = before.CpuTimeNs;
            var uuidBefore = before.Uuid;
            double? dirtyRate;
            try
            {
                dirtyRate = connection.MeasureDirtyRateMBps(name, Window);
            }
            catch (MigrationException error) when (error.ErrorId != ErrorIds.HostUnreachable)
            {
                dirtyRate = null; // not every hypervisor measures it; the prediction then says which rate it assumed
            }
            var left = Window - (clock.UtcNow - startedAt);
            if (left > TimeSpan.Zero) clock.Wait(left, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            var after = connection.FindGuest(name) ?? throw Gone(vm);
            var elapsed = clock.UtcNow - startedAt;
            double? cpu = null;
            if (after.Uuid == uuidBefore && after.VCpuCount > 0 && elapsed > TimeSpan.Zero && after.CpuTimeNs >= cpuTimeBefore)
            {
                cpu = Math.Round(Math.Min(100, 100.0 * (after.CpuTimeNs - cpuTimeBefore) / (elapsed.TotalMilliseconds * 1e6 * after.VCpuCount)), 2);
            }
            return new VMSample(cpu, dirtyRate, elapsed.TotalSeconds);
        }

        private static MigrationException Gone(LocatedVM vm) => new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
            $"VM '{vm.Guest.Name}' is no longer on host '{vm.Host.Name}' (moved or removed while it was being measured).", vm.Guest.Name);

        private readonly struct VMSample
        {
            public VMSample(double? cpuUsagePercent, double? dirtyRateMBps, double seconds)
            {
                CpuUsagePercent = cpuUsagePercent;
                DirtyRateMBps = dirtyRateMBps;
                Seconds = seconds;
            }

            public double? CpuUsagePercent { get; }
            public double? DirtyRateMBps { get; }
            public double Seconds { get; }
        }
    }
}
