using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Storage;
namespace VmMigration.Session
{
    /// <summary>
    /// The names of storage pools and VM disks on the connected hosts, for tab completion: every host call runs within the
    /// registry's call timeout, and a host that fails or stays silent contributes no names rather than an error.
    /// </summary>
    public sealed class StorageNames
    {
        private readonly HostRegistry registry;

        public StorageNames(HostRegistry registry)
        {
            this.registry = registry;
        }

        /// <summary>The pool names of <paramref name="hosts"/>, each once.</summary>
        public IReadOnlyList<string> Pools(IEnumerable<ConnectedHost> hosts, CancellationToken cancellationToken) =>
            registry.ForEachHost(hosts, c => c.ListStoragePoolNames(), "its list of storage pools", cancellationToken)
                .Where(a => a.Error == null)
                .SelectMany(a => a.Value)
                .Distinct(StringComparer.Ordinal)
                .ToList();

        /// <summary>The target devices (vda, vdb, ...) of the disks a storage move of that VM can take; none when the VM is not found.</summary>
        public IReadOnlyList<string> MovableDiskTargets(string vmNameOrUuid, CancellationToken cancellationToken)
        {
            try
            {
                var vm = new Inventory(registry).Locate(vmNameOrUuid, null, cancellationToken);
                var disks = DiskRelocation.MovableDisks(vm);
                return disks.Select(d => d.Target).ToList();
            }
            catch (MigrationException)
            {
                // Not found, ambiguous, or its host did not answer: there is nothing to offer.
                return Array.Empty<string>();
            }
        }
    }
}
