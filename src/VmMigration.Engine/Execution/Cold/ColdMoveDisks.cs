using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Cold
{
    /// <summary>
    /// Whether the disks of a shut-off VM can move with it, and which volumes they are. Each must be a volume of a storage
    /// pool on the source that stands alone (no backing chain), that no other VM uses or reads through (a linked clone's
    /// parent), and for which the destination has an active pool of the same name with room and no volume of that name.
    /// Anything else cannot move without breaking a VM or overwriting a volume, and is refused with the reason.
    /// </summary>
    public sealed class ColdMoveDisks
    {
        private ColdMoveDisks(IReadOnlyList<ColdMoveDisk> disks, string? refusal)
        {
            Disks = disks;
            Refusal = refusal;
        }

        /// <summary>The disks to copy, in definition order; empty when refused or when the VM has none.</summary>
        public IReadOnlyList<ColdMoveDisk> Disks { get; }

        /// <summary>Why the disks cannot move (a sentence naming the disk and the reason); null when they can.</summary>
        public string? Refusal { get; }

        public static ColdMoveDisks Check(ConnectedHost source, ConnectedHost destination, GuestInfo guest, GuestDefinition definition, CancellationToken cancellationToken)
        {
            var fromSource = source.CancellableConnection(cancellationToken);
            var toDestination = destination.CancellableConnection(cancellationToken);

            var other = definition.Disks.FirstOrDefault(d => d.HasSource && !d.IsFile);
            if (other != null)
            {
                return Refuse($"disk {(other.Target.Length > 0 ? other.Target : "(no target)")} is a {other.Device} of type '{other.SourceType}', and only file disks that are volumes of a storage pool can be copied.");
            }

            var lineage = definition.Lineage;
            if (lineage.ProtectedDisks.Count > 0)
            {
                return Refuse($"it is the parent of linked clones (disks {string.Join(", ", lineage.ProtectedDisks)} are read-only because clones on '{source.Name}' read through to them); moving them would break those clones.");
            }

            var disks = new List<ColdMoveDisk>();
            foreach (var disk in definition.FileDisks)
            {
                var volume = fromSource.FindStorageVolume(disk.Path);
                if (volume == null)
                {
                    return Refuse($"disk {disk.Target} ('{disk.Path}') is in no storage pool of '{source.Name}', so libvirt cannot copy it. Put it in a pool (a dir pool on its directory) first.");
                }
                if (volume.BackingPath != null)
                {
                    return Refuse($"disk {disk.Target} ('{disk.Path}') is an overlay of '{volume.BackingPath}' (a backing chain, as a linked clone has), which '{destination.Name}' does not have. Make a full clone with Copy-VMClone first, which flattens the chain.");
                }
                disks.Add(new ColdMoveDisk(disk, volume));
            }
            if (disks.Count == 0)
            {
                return new ColdMoveDisks(disks, null);
            }

            var dependent = DiskSharing.FindDependent(source, guest, disks.Select(d => d.Volume.Path).ToList(), cancellationToken);
            if (dependent != null)
            {
                return Refuse(dependent.Reason);
            }

            foreach (var byPool in disks.GroupBy(d => d.Volume.PoolName, StringComparer.Ordinal))
            {
                var pool = toDestination.FindStoragePool(byPool.Key);
                if (pool == null || !pool.Active)
                {
                    return Refuse($"disk {byPool.First().Disk.Target} is a volume of storage pool '{byPool.Key}', and '{destination.Name}' has no {(pool == null ? "" : "active ")}pool of that name to copy it into.");
                }
                foreach (var disk in byPool.Where(_ => pool.TargetPath.Length > 0))
                {
                    var path = pool.TargetPath.TrimEnd('/') + "/" + disk.Volume.Name;
                    if (toDestination.FindStorageVolume(path) != null)
                    {
                        return Refuse($"'{destination.Name}' already has a volume '{disk.Volume.Name}' in pool '{pool.Name}' ('{path}'), and a cold move never overwrites a volume. Remove or rename that volume, or start the VM so it can move live.");
                    }
                    disk.DestinationPath = path;
                }
                long needed = byPool.Sum(d => d.Volume.AllocationBytes);
                if (needed > pool.AvailableBytes)
                {
                    return Refuse(string.Format(CultureInfo.InvariantCulture, "storage pool '{0}' on '{1}' has {2:N0} MiB free and the disks need {3:N0} MiB.",
                        pool.Name, destination.Name, pool.AvailableBytes >> 20, (needed + (1 << 20) - 1) >> 20));
                }
            }
            return new ColdMoveDisks(disks, null);
        }

        private static ColdMoveDisks Refuse(string reason) => new ColdMoveDisks(Array.Empty<ColdMoveDisk>(), reason);
    }
}
