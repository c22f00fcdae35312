using System;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace VmMigration.Planning
{
    /// <summary>
    /// A hash of the inventory facts a plan depends on: host names, sizes and states; VM names, hosts, sizes and whether they are stopped.
    /// Usage and dirty rates are left out on purpose: they change every second, and a plan does not go stale because of them.
    /// Equal fingerprints mean nothing that matters changed; different ones send the caller to <see cref="PlanStaleness"/>.
    /// </summary>
    public static class InventoryFingerprint
    {
        public static string Compute(ClusterInventory inventory)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            var text = new StringBuilder();
            foreach (var host in inventory.Hosts.OrderBy(h => h.Name, StringComparer.Ordinal))
            {
                text.Append("H\t").Append(host.Name).Append('\t').Append(host.CpuCount.ToString(CultureInfo.InvariantCulture))
                    .Append('\t').Append(host.MemoryMB.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(host.State).Append('\n');
            }
            foreach (var vm in inventory.VMs.OrderBy(v => v.Name, StringComparer.Ordinal))
            {
                text.Append("V\t").Append(vm.Name).Append('\t').Append(vm.HostName).Append('\t')
                    .Append(vm.MemoryMB.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(vm.VCpuCount.ToString(CultureInfo.InvariantCulture));
                // Only stopped VMs add a field, so an inventory without any keeps the fingerprint it always had.
                if (vm.Stopped) text.Append("\tstopped");
                text.Append('\n');
            }
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()));
                return "sha256:" + string.Concat(hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            }
        }
    }
}
