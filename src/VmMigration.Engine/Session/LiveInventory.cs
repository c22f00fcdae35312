using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Session
{
    /// <summary>
    /// The planner's view of the connected hosts right now: capacity, state (maintenance marks included) and VMs,
    /// gathered in parallel. Hosts that do not answer are kept as Unreachable (never a destination) and reported.
    /// </summary>
    public static class LiveInventory
    {
        public static ClusterInventory Capture(Inventory inventory, IReadOnlyList<ConnectedHost> hosts, CancellationToken cancellationToken, out IReadOnlyList<MigrationException> failures)
        {
            var described = inventory.DescribeHosts(hosts, cancellationToken);
            var reachable = hosts.Where(h => described.Any(d => d.Name == h.Name && d.State != HostState.Unreachable)).ToList();
            var vms = inventory.ListVMs(reachable, cancellationToken, out var listFailures);
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
            return ClusterInventory.FromSession(described, vms.Where(vm => vm.State == VMState.Running || vm.State == VMState.Paused || vm.State == VMState.Blocked), DateTime.UtcNow);
        }
    }
}
