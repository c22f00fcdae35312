using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Execution.Clone
{
    /// <summary>
    /// Turns a source VM's definition into its clone's: new name, UUID, MAC addresses and disk files; nothing of the
    /// source's identity may survive, or two VMs would collide on a network or on a host. And marks a parent's disks
    /// read-only for its linked clones.
    /// </summary>
    public static class CloneDefinition
    {
        /// <param name="source">the source's persistent definition</param>
        /// <param name="diskFiles">each source disk file and the clone's file that replaces it</param>
        /// <param name="diskFormat">the clone's disk format (an overlay is always qcow2); null keeps each disk's own</param>
        /// <param name="lineage">what the clone records about its parent; null for a VM of its own (a full clone)</param>
        public static GuestDefinition For(GuestDefinition source, string newName, CloneIdentity identity, IReadOnlyDictionary<string, string> diskFiles,
            string? diskFormat, CloneLineage? lineage)
        {
            int interfaces = source.MacAddresses.Count;
            if (interfaces > identity.MacAddresses.Count)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"The clone needs {interfaces} MAC addresses but {identity.MacAddresses.Count} were allocated.", newName);
            var sourceProtected = new HashSet<string>(source.Lineage.ProtectedDisks);
            return source
                .WithIdentity(newName, identity.Uuid, identity.MacAddresses.Take(interfaces))
                .WithDisks(disk => !disk.IsFile || !diskFiles.TryGetValue(disk.Path, out var file)
                    ? disk
                    // Read-only only to protect the source's linked clones: the copy is a disk of its own.
                    : disk.WithFile(file, diskFormat ?? disk.Format).WithReadOnly(disk.ReadOnly && !sourceProtected.Contains(disk.Target)))
                .WithLineage(lineage ?? new CloneLineage());
        }

        /// <summary>
        /// The parent's definition with the disks linked clones are backed by made read-only (the hypervisor then refuses to
        /// write them) and recorded in the parent's lineage, so a later copy of the parent knows they were read-only only for this.
        /// </summary>
        public static GuestDefinition ProtectAsParent(GuestDefinition parent, IEnumerable<string> diskTargets)
        {
            var targets = new HashSet<string>(diskTargets);
            var newlyProtected = parent.FileDisks.Where(d => targets.Contains(d.Target) && !d.ReadOnly).Select(d => d.Target).ToList();
            var lineage = new CloneLineage
            {
                ParentName = parent.Lineage.ParentName,
                ParentUuid = parent.Lineage.ParentUuid,
                ProtectedDisks = parent.Lineage.ProtectedDisks.Concat(newlyProtected).Distinct().ToList(),
            };
            return parent
                .WithDisks(disk => disk.IsFile && newlyProtected.Contains(disk.Target) ? disk.WithReadOnly(true) : disk)
                .WithLineage(lineage);
        }
    }
}
