using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// The planner's view of the connected hosts right now: capacity, state (maintenance marks included) and VMs,
    /// gathered in parallel. Hosts that do not answer are kept as Unreachable (never a destination) and reported.
    /// </summary>
    public static class LiveInventory
    {
        /// <param name="includeStopped">list shut-off VMs too, as <see cref="InventoryVM.Stopped"/>, for a plan that moves them cold</param>
        /// <param name="cpuSampleWindow">how long CPU use is measured over; <see cref="CpuSampleInterval"/> when null</param>
        /// <param name="clock">the time the window is measured by; the system's when null</param>
        public static ClusterInventory Capture(Inventory inventory, IReadOnlyList<ConnectedHost> hosts, bool includeStopped, CancellationToken cancellationToken, out IReadOnlyList<MigrationException> failures,
            TimeSpan? cpuSampleWindow = null, Clock? clock = null)
        {
            clock ??= Clock.System;
            var described = inventory.DescribeHosts(hosts, cancellationToken);
            var reachable = hosts.Where(h => described.Any(d => d.Name == h.Name && d.State != HostState.Unreachable)).ToList();
            var before = inventory.ListVMs(reachable, cancellationToken, out _);
            var beforeAt = clock.UtcNow;
            // CPU use is measured, not assumed: two readings of each guest's CPU time over a window.
            clock.Wait(cpuSampleWindow ?? CpuSampleInterval, cancellationToken);
            var vms = inventory.ListVMs(reachable, cancellationToken, out var listFailures);
            var afterAt = clock.UtcNow;
            var usage = CpuUsage(before, vms, afterAt - beforeAt);
            var problems = described.Where(d => d.State == HostState.Unreachable)
                .Select(d => new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, d.Message ?? $"Host '{d.Name}' did not answer.", d.Name))
                .Concat(listFailures).ToList();
            failures = problems;
            // Unreachable hosts report no capacity; the planner needs a positive size, and never places anything there.
            foreach (var host in described.Where(d => d.State == HostState.Unreachable))
            {
                host.CpuCount = Math.Max(1, host.CpuCount);
                host.MemoryMB = Math.Max(1, host.MemoryMB);
            }
            // A VM caught mid-migration by another process shows on two hosts: running on the one that owns it, paused
            // on the one receiving it. The planner sees it once, where it runs.
            var owned = vms.Where(vm => GuestInfo.IsActive(vm.State))
                .GroupBy(vm => vm.Name, StringComparer.Ordinal)
                .Select(copies => copies.OrderBy(vm => vm.State == VMState.Running ? 0 : 1).First())
                .ToList();
            // A definition left behind by a move elsewhere is not a second VM: a name that is active somewhere is that VM.
            var activeNames = new HashSet<string>(owned.Select(vm => vm.Name), StringComparer.Ordinal);
            var stopped = !includeStopped ? null : vms.Where(vm => !GuestInfo.IsActive(vm.State) && !activeNames.Contains(vm.Name))
                .GroupBy(vm => vm.Name, StringComparer.Ordinal)
                .Select(copies => copies.OrderBy(vm => vm.HostName, StringComparer.Ordinal).First());
            var captured = ClusterInventory.FromSession(described, owned, afterAt, usage, stopped);
            captured.SampleSeconds = (afterAt - beforeAt).TotalSeconds;
            return captured;
        }

        /// <summary>How long CPU use is sampled over when the inventory is captured.</summary>
        public static readonly TimeSpan CpuSampleInterval = TimeSpan.FromSeconds(1);

        /// <summary>Percent of each VM's vCPUs used between two readings, by VM name.</summary>
        public static IReadOnlyDictionary<string, double> CpuUsage(IReadOnlyList<MigrationVM> before, IReadOnlyList<MigrationVM> after, TimeSpan interval)
        {
            var usage = new Dictionary<string, double>(StringComparer.Ordinal);
            var earlier = before.GroupBy(v => v.Uuid).ToDictionary(g => g.Key, g => g.First());
            foreach (var vm in after)
            {
                if (!earlier.TryGetValue(vm.Uuid, out var first) || first.HostName != vm.HostName || vm.VCpuCount <= 0 || interval <= TimeSpan.Zero)
                {
                    continue;
                }
                var used = (vm.CpuTimeNs - first.CpuTimeNs) / (interval.TotalMilliseconds * 1e6 * vm.VCpuCount) * 100;
                usage[vm.Name] = Math.Max(0, Math.Min(100, used));
            }
            return usage;
        }
    }
}
