using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.State;

namespace VmMigration.Session
{
    /// <summary>
    /// The inventory a Balance plan is made from: CPU use measured over a window, added to the load history and
    /// smoothed with it (<see cref="LoadSmoothing"/>), the window's own figure kept beside the smoothed one, and each VM's
    /// balance record read from its host (<see cref="InventoryVM.LastBalancedAt"/>).
    /// </summary>
    public static class BalanceInventory
    {
        public static ClusterInventory Capture(HostRegistry registry, Inventory inventory, IReadOnlyList<ConnectedHost> hosts, TimeSpan window,
            LoadHistoryStore history, Clock clock, CancellationToken cancellationToken, out IReadOnlyList<MigrationException> failures)
        {
            var live = LiveInventory.Capture(inventory, hosts, includeStopped: false, cancellationToken, out var captureFailures, window, clock);
            var problems = captureFailures.ToList();
            Smooth(live, history);
            ReadBalanceRecords(registry, hosts, live, problems, cancellationToken);
            failures = problems;
            return live;
        }

        /// <summary>Adds the inventory's window to the history and replaces each sampled VM's CPU use with its smoothed figure.</summary>
        internal static void Smooth(ClusterInventory live, LoadHistoryStore history)
        {
            var sampled = live.VMs.Where(v => v.CpuUsagePercent.HasValue && !v.Stopped).ToList();
            var vmCpu = sampled.ToDictionary(v => v.Name, v => v.CpuUsagePercent!.Value, StringComparer.Ordinal);
            var hostCpu = live.Hosts.Where(h => h.State == HostState.Connected).ToDictionary(h => h.Name,
                h => 100 * sampled.Where(v => v.HostName == h.Name).Sum(v => v.VCpuCount * v.CpuUsagePercent!.Value / 100) / h.CpuCount, StringComparer.Ordinal);
            var kept = history.Record(live.SnapshotTime, live.SampleSeconds ?? LiveInventory.CpuSampleInterval.TotalSeconds, vmCpu, hostCpu);
            foreach (var vm in sampled)
            {
                vm.InstantCpuUsagePercent = vm.CpuUsagePercent;
                if (!kept.VMs.TryGetValue(vm.Name, out var windows) || !(LoadSmoothing.Smooth(windows, live.SnapshotTime) is double smoothed)) continue;
                vm.CpuUsagePercent = Math.Round(Math.Max(0, Math.Min(100, smoothed)), 3);
                vm.CpuUsageWindows = windows.Count;
            }
        }

        /// <summary>
        /// Each running VM's balance record, from its host. A host whose records cannot be read keeps its VMs where they are
        /// this run (as if each had just been balanced): not knowing whether a VM is cooling down is no reason to move it.
        /// </summary>
        private static void ReadBalanceRecords(HostRegistry registry, IReadOnlyList<ConnectedHost> hosts, ClusterInventory live, List<MigrationException> problems, CancellationToken cancellationToken)
        {
            var byHost = live.VMs.Where(v => !v.Stopped).GroupBy(v => v.HostName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            var targets = hosts.Where(h => byHost.ContainsKey(h.Name)).ToList();
            var answers = registry.ForEachHost(targets, connection => connection.ListGuests().Where(g => g.Active).Select(g => (g.Name, Record: RecordOf(connection, g.Name))).ToList(),
                "the balance records of its VMs", cancellationToken);
            foreach (var answer in answers)
            {
                var vms = byHost[answer.Host.Name];
                if (answer.Error != null)
                {
                    problems.Add(new MigrationException(answer.Error.ErrorId, answer.Error.Kind,
                        $"The balance records of the VMs of '{answer.Host.Name}' could not be read, so balancing leaves them where they are this run: {answer.Error.Message}", answer.Host.Name, answer.Error));
                    vms.ForEach(v => v.LastBalancedAt = live.SnapshotTime);
                    continue;
                }
                var records = answer.Value.Where(r => r.Record != null).GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Record!, StringComparer.Ordinal);
                foreach (var vm in vms)
                {
                    if (records.TryGetValue(vm.Name, out var record)) vm.LastBalancedAt = record.MovedAt;
                }
            }
        }

        private static BalanceRecord? RecordOf(IHostConnection connection, string name)
        {
            try
            {
                return connection.GetBalanceRecord(name);
            }
            catch (MigrationException error) when (error.ErrorId == ErrorIds.VmNotFound)
            {
                return null; // gone between the listing and the look: it is not on this host to balance
            }
        }
    }
}
