using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    /// <summary>
    /// Everything the planner needs to know about a cluster at one moment: hosts, VMs and when it was taken.
    /// Built from connected hosts (<see cref="FromSession"/>) or read from a JSON snapshot (<see cref="InventoryJson"/>).
    /// </summary>
    public sealed class ClusterInventory
    {
        /// <summary>When the facts were collected (UTC). A plan made from this inventory takes it as its CreatedAt.</summary>
        [JsonRequired]
        public DateTime SnapshotTime { get; set; }
        [JsonRequired]
        public List<InventoryHost> Hosts { get; set; } = new List<InventoryHost>();
        [JsonRequired]
        public List<InventoryVM> VMs { get; set; } = new List<InventoryVM>();
        /// <summary>How long the VMs' CPU use was measured over, when it was measured from the hosts. Left out of the file when empty.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public double? SampleSeconds { get; set; }

        /// <summary>
        /// An inventory from what the session's connections report. CPU use and dirty rates are unknown at this level
        /// unless the caller supplies them (keyed by VM name), because sampling costs time the caller decides to spend.
        /// </summary>
        /// <param name="vms">the running VMs</param>
        /// <param name="stoppedVMs">shut-off VMs, for a plan that includes them (see <see cref="InventoryVM.Stopped"/>)</param>
        public static ClusterInventory FromSession(
            IEnumerable<MigrationHost> hosts,
            IEnumerable<MigrationVM> vms,
            DateTime snapshotTimeUtc,
            IReadOnlyDictionary<string, double>? cpuUsagePercentByVm = null,
            IEnumerable<MigrationVM>? stoppedVMs = null)
        {
            if (hosts == null) throw new ArgumentNullException(nameof(hosts));
            if (vms == null) throw new ArgumentNullException(nameof(vms));
            var inventory = new ClusterInventory { SnapshotTime = DateTime.SpecifyKind(snapshotTimeUtc, DateTimeKind.Utc) };
            foreach (var host in hosts)
            {
                inventory.Hosts.Add(new InventoryHost { Name = host.Name, CpuCount = host.CpuCount, MemoryMB = host.MemoryMB, State = host.State });
            }
            foreach (var vm in vms)
            {
                double usage = 0;
                bool sampled = cpuUsagePercentByVm != null && cpuUsagePercentByVm.TryGetValue(vm.Name, out usage);
                inventory.VMs.Add(new InventoryVM
                {
                    Name = vm.Name,
                    HostName = vm.HostName,
                    VCpuCount = vm.VCpuCount,
                    MemoryMB = vm.MemoryMB,
                    CpuUsagePercent = sampled ? usage : (double?)null,
                    DirtyRateMBps = vm.DirtyRateMBps,
                });
            }
            foreach (var vm in stoppedVMs ?? Array.Empty<MigrationVM>())
            {
                inventory.VMs.Add(new InventoryVM { Name = vm.Name, HostName = vm.HostName, VCpuCount = vm.VCpuCount, MemoryMB = vm.MemoryMB, Stopped = true });
            }
            inventory.Validate();
            return inventory;
        }

        /// <summary>Throws InvalidInventory naming the first field that is wrong; the planner relies on these invariants.</summary>
        public void Validate()
        {
            if (Hosts == null) throw Invalid("Hosts", "is missing.");
            if (VMs == null) throw Invalid("VMs", "is missing.");
            var hostNames = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < Hosts.Count; i++)
            {
                var host = Hosts[i];
                string at = $"Hosts[{i}]";
                if (host == null) throw Invalid(at, "is null.");
                if (string.IsNullOrEmpty(host.Name)) throw Invalid(at + ".Name", "is empty.");
                if (!hostNames.Add(host.Name)) throw Invalid(at + ".Name", $"'{host.Name}' appears twice.");
                if (host.CpuCount <= 0) throw Invalid(at + ".CpuCount", $"must be positive (host '{host.Name}').");
                if (host.MemoryMB <= 0) throw Invalid(at + ".MemoryMB", $"must be positive (host '{host.Name}').");
            }
            var vmNames = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < VMs.Count; i++)
            {
                var vm = VMs[i];
                string at = $"VMs[{i}]";
                if (vm == null) throw Invalid(at, "is null.");
                if (string.IsNullOrEmpty(vm.Name)) throw Invalid(at + ".Name", "is empty.");
                if (!vmNames.Add(vm.Name)) throw Invalid(at + ".Name", $"'{vm.Name}' appears twice.");
                if (!hostNames.Contains(vm.HostName ?? "")) throw Invalid(at + ".HostName", $"'{vm.HostName}' of VM '{vm.Name}' is not a host in the inventory.");
                if (vm.VCpuCount <= 0) throw Invalid(at + ".VCpuCount", $"must be positive (VM '{vm.Name}').");
                if (vm.MemoryMB <= 0) throw Invalid(at + ".MemoryMB", $"must be positive (VM '{vm.Name}').");
                if (vm.CpuUsagePercent is double cpu && (cpu < 0 || cpu > 100 || double.IsNaN(cpu)))
                    throw Invalid(at + ".CpuUsagePercent", $"must be between 0 and 100 (VM '{vm.Name}').");
                if (vm.InstantCpuUsagePercent is double instant && (instant < 0 || instant > 100 || double.IsNaN(instant)))
                    throw Invalid(at + ".InstantCpuUsagePercent", $"must be between 0 and 100 (VM '{vm.Name}').");
                if (vm.DirtyRateMBps is double rate && (rate < 0 || double.IsNaN(rate)))
                    throw Invalid(at + ".DirtyRateMBps", $"must not be negative (VM '{vm.Name}').");
            }
        }

        /// <summary>A copy sorted by name, so the planner's result never depends on the order facts arrived in.</summary>
        /// <param name="withStopped">false leaves stopped VMs out: a plan without them neither moves them nor keeps room for them</param>
        internal ClusterInventory SortedCopy(bool withStopped = false) => new ClusterInventory
        {
            SnapshotTime = SnapshotTime,
            SampleSeconds = SampleSeconds,
            Hosts = Hosts.OrderBy(h => h.Name, StringComparer.Ordinal).ToList(),
            VMs = VMs.Where(v => withStopped || !v.Stopped).OrderBy(v => v.Name, StringComparer.Ordinal).ToList(),
        };

        private static MigrationException Invalid(string field, string problem) =>
            new MigrationException(ErrorIds.InvalidInventory, ErrorKind.InvalidData,
                $"The inventory is invalid: {field} {problem} Fix the snapshot or re-export it with Export-MigrationInventory.", field);
    }
}
