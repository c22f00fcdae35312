using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Finds the VMs of a host that depend on disk files of another VM of that host: those that open the same file, those
    /// with an overlay that reads through to it (found in a running VM's live definition, and through the storage API for a
    /// shut-off VM, whose definition does not show its backing chain), and its linked clones. One check for every command
    /// that moves disks, so none moves a file from under another VM.
    /// </summary>
    public static class DiskSharing
    {
        /// <summary>The first VM of <paramref name="host"/> other than <paramref name="vm"/> that depends on one of <paramref name="files"/>; null when none.</summary>
        public static DiskDependent? FindDependent(ConnectedHost host, GuestInfo vm, IReadOnlyCollection<string> files, CancellationToken cancellationToken)
        {
            if (files.Count == 0) return null;
            var connection = host.CancellableConnection(cancellationToken);
            var ours = new HashSet<string>(files, StringComparer.Ordinal);
            var guests = connection.ListGuests();
            foreach (var other in guests.Where(g => !string.Equals(g.Uuid, vm.Uuid, StringComparison.OrdinalIgnoreCase)))
            {
                if (string.Equals(other.ParentUuid, vm.Uuid, StringComparison.OrdinalIgnoreCase))
                    return new DiskDependent(DiskDependency.LinkedClone, other.Name, host.Name, "", null);
                GuestDefinition definition;
                try
                {
                    // A running VM's live definition names the files it has open, with their backing chains.
                    definition = other.Active ? connection.GetLiveGuestDefinition(other.Name) : connection.GetGuestDefinition(other.Name);
                }
                catch (MigrationException error) when (error.ErrorId == ErrorIds.VmNotFound)
                {
                    continue; // gone since the listing
                }
                var dependent = Dependent(host, connection, other, definition, ours);
                if (dependent != null) return dependent;
            }
            return null;
        }

        private static DiskDependent? Dependent(ConnectedHost host, IHostConnection connection, GuestInfo other, GuestDefinition definition, HashSet<string> ours)
        {
            foreach (var disk in definition.Disks)
            {
                var file = disk.Path;
                if (file.Length == 0) continue;
                if (ours.Contains(file))
                    return new DiskDependent(DiskDependency.SameFile, other.Name, host.Name, file, null);
                var backing = other.Active
                    ? disk.BackingFiles.FirstOrDefault(ours.Contains)
                    : connection.FindStorageVolume(file)?.BackingPath;
                if (backing != null && ours.Contains(backing))
                    return new DiskDependent(DiskDependency.BackingFile, other.Name, host.Name, backing, file);
            }
            return null;
        }
    }
}
