using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Whether disks can be copied into the volumes planned for them, checked before anything is made; one set of rules,
    /// in one order, for storage moves, cold moves and clones:
    /// each disk is a volume of a pool on its host; a disk with a backing chain goes to another host only by a copy that
    /// flattens it (<see cref="DiskCopyMethod.FlattensBackingChain"/>); when the disks leave their host
    /// (<see cref="DiskTransfer.Move"/>) no other VM there uses them (<see cref="DiskSharing"/>); each target pool exists
    /// and is active; the target path (the pool's directory and the volume's name) is not the disk's own path on the other
    /// host (shared storage) and holds no volume; each pool has room for what goes there.
    /// A refusal is a <see cref="MigrationException"/> with the rule's stable id, thrown by <see cref="Run"/> and returned by
    /// <see cref="Check"/> (whose caller reports it its own way; a host that fails to answer is thrown by both). Nothing is
    /// changed on any host.
    /// </summary>
    public static class DiskPlacementCheck
    {
        /// <summary>The placements of the disks that move; throws the refusal when a rule refuses them.</summary>
        public static IReadOnlyList<VolumePlacement> Run(LocatedVM source, ConnectedHost target, IReadOnlyList<GuestDisk> disks, DiskTransfer transfer,
            DiskCopyMethod copy, Func<IReadOnlyList<(GuestDisk Disk, StorageVolumeInfo Volume)>, IEnumerable<PlannedVolume>> planTargets,
            CancellationToken cancellationToken)
        {
            var refusal = Check(source, target, disks, transfer, copy, planTargets, cancellationToken, out var placements);
            return refusal == null ? placements : throw refusal;
        }

        /// <param name="source">the VM whose disks are copied, on its host</param>
        /// <param name="target">the host the new volumes are made on (the source host for a move or clone on one host)</param>
        /// <param name="disks">the disks to check, each with a file</param>
        /// <param name="planTargets">the target volume of each disk with its source volume; a disk without one stays where it is</param>
        /// <param name="placements">the placements of the disks that move; empty when refused</param>
        /// <returns>why the disks cannot go there, with the rule's id; null when they can</returns>
        public static MigrationException? Check(LocatedVM source, ConnectedHost target, IReadOnlyList<GuestDisk> disks, DiskTransfer transfer,
            DiskCopyMethod copy, Func<IReadOnlyList<(GuestDisk Disk, StorageVolumeInfo Volume)>, IEnumerable<PlannedVolume>> planTargets,
            CancellationToken cancellationToken, out IReadOnlyList<VolumePlacement> placements)
        {
            var vmName = source.Guest.Name;
            var fromSource = source.Host.CancellableConnection(cancellationToken);
            var toTarget = target.CancellableConnection(cancellationToken);
            bool sameHost = source.Host.Uri.Equals(target.Uri);

            placements = Array.Empty<VolumePlacement>();

            var volumes = new List<(GuestDisk Disk, StorageVolumeInfo Volume)>();
            foreach (var disk in disks)
            {
                var volume = fromSource.FindStorageVolume(disk.Path);
                if (volume == null)
                    return Refusal(ErrorIds.DiskNotInStoragePool, ErrorKind.ObjectNotFound,
                        $"Disk {disk.Target} of VM '{vmName}' ('{disk.Path}') is in no storage pool of '{source.Host.Name}', so libvirt's storage API cannot copy it. Put its directory in a pool (virsh pool-define-as) first.", vmName);
                volumes.Add((disk, volume));
            }

            var chained = volumes.FirstOrDefault(v => v.Volume.BackingPath != null);
            if (!sameHost && !copy.FlattensBackingChain && chained.Volume != null)
                return Refusal(ErrorIds.BackingChainAcrossHosts, ErrorKind.InvalidOperation,
                    $"Disk {chained.Disk.Target} of VM '{vmName}' ('{chained.Volume.Path}') is an overlay of '{chained.Volume.BackingPath}' (a backing chain, as a linked clone has), which '{target.Name}' does not have. Make a full clone with Copy-VMClone on '{source.Host.Name}' first (it flattens the chain), then take that to '{target.Name}'.",
                    vmName);

            if (transfer == DiskTransfer.Move)
            {
                // Linked clones of this VM are among the dependents too (ParentProtected).
                var dependent = DiskSharing.FindDependent(source.Host, source.Guest, volumes.Select(v => v.Disk.Path).ToList(), cancellationToken);
                if (dependent != null)
                    return Refusal(dependent.ErrorId, ErrorKind.InvalidOperation, $"The disks of VM '{vmName}' cannot move: {dependent.Reason} Nothing was changed.", vmName);
            }

            var pools = new Dictionary<string, StoragePoolInfo>(StringComparer.Ordinal);
            var placed = new List<VolumePlacement>();
            foreach (var planned in planTargets(volumes).ToList())
            {
                var disk = planned.Disk;
                if (!pools.TryGetValue(planned.TargetPool, out var pool))
                {
                    pool = toTarget.FindStoragePool(planned.TargetPool);
                    if (pool == null || !pool.Active)
                        return Refusal(ErrorIds.StoragePoolNotFound, ErrorKind.ObjectNotFound,
                            $"Host '{target.Name}' has no {(pool == null ? "" : "active ")}storage pool named '{planned.TargetPool}' for disk {disk.Target} of VM '{vmName}'. List its pools with: virsh pool-list --all.", vmName);
                    pools[planned.TargetPool] = pool;
                }
                var path = pool.TargetPath.Length > 0 ? pool.TargetPath.TrimEnd('/') + "/" + planned.TargetName : null;
                if (path != null && toTarget.FindStorageVolume(path) != null)
                {
                    if (!sameHost && string.Equals(path, disk.Path, StringComparison.Ordinal))
                        // The same path on both hosts: shared storage (then it is this very disk), or a different file that happens to be there.
                        return Refusal(ErrorIds.StorageVolumeExists, ErrorKind.ResourceExists,
                            $"Pool '{pool.Name}' on '{target.Name}' has a volume at '{path}', the path disk {disk.Target} of VM '{vmName}' has on '{source.Host.Name}'. If the two hosts share this storage, it is this disk itself (do not delete it): a running VM moves without copying it, with Move-VMLive without -CopyStorage. Otherwise choose another pool, or remove that other file on '{target.Name}'. Nothing was changed.", vmName);
                    return Refusal(ErrorIds.StorageVolumeExists, ErrorKind.ResourceExists,
                        $"Host '{target.Name}' already has a volume '{planned.TargetName}' in pool '{pool.Name}' ('{path}'), where disk {disk.Target} of VM '{vmName}' would be copied, and a volume is never overwritten. Remove or rename that volume first. Nothing was changed.", vmName);
                }
                placed.Add(new VolumePlacement(planned, pool, path));
            }

            foreach (var byPool in placed.GroupBy(p => p.Pool.Name, StringComparer.Ordinal))
            {
                var pool = byPool.First().Pool;
                long needed = byPool.Sum(p => p.Planned.BytesNeeded);
                if (needed > pool.AvailableBytes)
                    return Refusal(ErrorIds.InsufficientStorage, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture,
                        "Storage pool '{0}' on '{1}' has {2:N0} MiB free and the disks of VM '{3}' need {4:N0} MiB there. Free space there or choose another pool. Nothing was changed.",
                        pool.Name, target.Name, pool.AvailableBytes >> 20, vmName, (needed + (1 << 20) - 1) >> 20), vmName);
            }
            placements = placed;
            return null;
        }

        private static MigrationException Refusal(string errorId, ErrorKind kind, string message, string vmName) =>
            new MigrationException(errorId, kind, message, vmName);
    }
}
