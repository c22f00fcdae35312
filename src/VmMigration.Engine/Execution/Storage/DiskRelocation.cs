using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Where each disk of a storage move goes, checked before anything changes: the disks named exist, each is a volume of
    /// a pool, no other VM uses it, the target pool exists and has room, and no volume there has the new name. Then the
    /// target volumes' life: made before the copy, removed again when the move does not happen, and the old volumes
    /// removed only for disks the VM runs from the new copy of.
    /// </summary>
    public sealed class DiskRelocation
    {
        private readonly CreatedVolumes createdTargets;

        private DiskRelocation(LocatedVM vm, ConnectedHost targetHost, IReadOnlyList<DiskMove> moves, IReadOnlyList<string> alreadyInPlace)
        {
            createdTargets = new CreatedVolumes(targetHost);
            VM = vm;
            TargetHost = targetHost;
            Moves = moves;
            AlreadyInPlace = alreadyInPlace;
        }

        public LocatedVM VM { get; }
        public ConnectedHost TargetHost { get; }
        public IReadOnlyList<DiskMove> Moves { get; }
        /// <summary>Disks (targets) asked for that are in the target pool on the target host already.</summary>
        public IReadOnlyList<string> AlreadyInPlace { get; }

        public IReadOnlyList<DiskPlacement> Placements => Moves.Select(m => new DiskPlacement(m.Target, m.NewPath, m.Format)).ToList();

        /// <param name="poolName">the target pool; null keeps each disk's own pool name (on the target host)</param>
        /// <param name="diskTargets">the disks to move; null or empty moves every writable file disk</param>
        /// <param name="diskFormat">qcow2 or raw to convert; null keeps each disk's format</param>
        public static DiskRelocation Plan(LocatedVM vm, ConnectedHost targetHost, string? poolName, IReadOnlyCollection<string>? diskTargets, string? diskFormat)
        {
            var name = vm.Guest.Name;
            var source = vm.Host.Connection;
            var chosen = Choose(name, MovableDisks(vm), diskTargets);

            // Linked clones of this VM are among the dependents too (ParentProtected).
            var dependent = DiskSharing.FindDependent(vm.Host, vm.Guest, chosen.Select(d => d.Path).ToList(), CancellationToken.None);
            if (dependent != null)
                throw new MigrationException(dependent.ErrorId, ErrorKind.InvalidOperation, $"The disks of VM '{name}' cannot move: {dependent.Reason} Nothing was changed.", name);

            var sameHost = vm.Host.Uri.Equals(targetHost.Uri);
            var moves = new List<DiskMove>();
            var alreadyInPlace = new List<string>();
            var pools = new Dictionary<string, StoragePoolInfo>(StringComparer.Ordinal);
            var needed = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var disk in chosen)
            {
                var volume = source.FindStorageVolume(disk.Path) ?? throw new MigrationException(ErrorIds.DiskNotInStoragePool, ErrorKind.ObjectNotFound,
                    $"Disk {disk.Target} of VM '{name}' ('{disk.Path}') is not a volume of any storage pool on '{vm.Host.Name}', so it cannot be moved through the storage API. Put its directory in a pool (virsh pool-define-as) first.", name);
                var pool = poolName ?? volume.PoolName;
                if (sameHost && string.Equals(volume.PoolName, pool, StringComparison.Ordinal) && (diskFormat == null || string.Equals(diskFormat, disk.Format, StringComparison.OrdinalIgnoreCase)))
                {
                    alreadyInPlace.Add(disk.Target);
                    continue;
                }
                if (!pools.TryGetValue(pool, out var poolInfo))
                {
                    poolInfo = targetHost.Connection.FindStoragePool(pool);
                    if (poolInfo == null || !poolInfo.Active)
                        throw new MigrationException(ErrorIds.StoragePoolNotFound, ErrorKind.ObjectNotFound,
                            $"Host '{targetHost.Name}' has no {(poolInfo == null ? "" : "active ")}storage pool named '{pool}' for disk {disk.Target} of VM '{name}'. List its pools with: virsh pool-list --all.", name);
                    pools[pool] = poolInfo;
                }
                var format = diskFormat ?? disk.Format;
                var newName = VolumeName(volume.Name, disk.Format, format);
                var newPath = poolInfo.TargetPath.Length > 0 ? poolInfo.TargetPath.TrimEnd('/') + "/" + newName : newName;
                if (!sameHost && string.Equals(newPath, disk.Path, StringComparison.Ordinal) && targetHost.Connection.FindStorageVolume(newPath) != null)
                    // The same path on both hosts: shared storage (then it is this very disk), or a different file that happens to be there.
                    throw new MigrationException(ErrorIds.StorageVolumeExists, ErrorKind.ResourceExists,
                        $"Pool '{pool}' on '{targetHost.Name}' has a volume at '{newPath}', the path disk {disk.Target} of VM '{name}' has on '{vm.Host.Name}'. If the two hosts share this storage, it is this disk itself: move the VM without -CopyStorage (do not delete it). Otherwise choose another pool with -DestinationStoragePool, or remove that other file on '{targetHost.Name}'. Nothing was changed.", name);
                if (targetHost.Connection.FindStorageVolume(newPath) != null)
                    throw new MigrationException(ErrorIds.StorageVolumeExists, ErrorKind.ResourceExists,
                        $"Storage pool '{pool}' on '{targetHost.Name}' already has a volume '{newName}' ('{newPath}'); disk {disk.Target} of VM '{name}' would replace it. Remove or rename that volume first.", name);
                moves.Add(new DiskMove
                {
                    Target = disk.Target, OldPath = disk.Path, NewPath = newPath, Pool = pool, OldFormat = disk.Format, Format = format,
                    CapacityBytes = volume.CapacityBytes, AllocatedBytes = volume.AllocationBytes,
                });
                needed[pool] = (needed.TryGetValue(pool, out var sum) ? sum : 0) + volume.AllocationBytes;
            }
            foreach (var pool in needed.Where(n => n.Value > pools[n.Key].AvailableBytes))
            {
                throw new MigrationException(ErrorIds.InsufficientStorage, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture,
                    "Storage pool '{0}' on '{1}' has {2:N0} MiB free; the disks of VM '{3}' that go there need {4:N0} MiB. Nothing was changed; free space there or choose another pool.",
                    pool.Key, targetHost.Name, pools[pool.Key].AvailableBytes >> 20, name, (pool.Value + (1 << 20) - 1) >> 20), name);
            }
            return new DiskRelocation(vm, targetHost, moves, alreadyInPlace);
        }

        /// <summary>The disks a storage move can take (what -Disk may name): the VM's writable file disks, from its live definition when it runs.</summary>
        public static List<GuestDisk> MovableDisks(LocatedVM vm)
        {
            var source = vm.Host.Connection;
            var definition = vm.Guest.Active ? source.GetLiveGuestDefinition(vm.Guest.Name) : source.GetGuestDefinition(vm.Guest.Name);
            return definition.FileDisks.Where(d => !d.ReadOnly && d.Path.Length > 0).ToList();
        }

        private static List<GuestDisk> Choose(string name, List<GuestDisk> disks, IReadOnlyCollection<string>? diskTargets)
        {
            if (diskTargets == null || diskTargets.Count == 0) return disks;
            var missing = diskTargets.Where(t => !disks.Any(d => string.Equals(d.Target, t, StringComparison.Ordinal))).ToList();
            if (missing.Count > 0)
                throw new MigrationException(ErrorIds.DiskNotFound, ErrorKind.ObjectNotFound,
                    $"VM '{name}' has no writable file disk {string.Join(", ", missing.Select(m => "'" + m + "'"))}; its disks are: {(disks.Count == 0 ? "none" : string.Join(", ", disks.Select(d => d.Target)))}. Nothing was changed.", name);
            return disks.Where(d => diskTargets.Contains(d.Target, StringComparer.Ordinal)).ToList();
        }

        /// <summary>The source volume's name, with its extension following a format change (web1.qcow2 -> web1.raw).</summary>
        private static string VolumeName(string volumeName, string oldFormat, string newFormat)
        {
            if (string.Equals(oldFormat, newFormat, StringComparison.OrdinalIgnoreCase)) return volumeName;
            var extension = Path.GetExtension(volumeName);
            var known = new[] { ".qcow2", ".raw", ".img" };
            var stem = known.Contains(extension, StringComparer.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(volumeName) : volumeName;
            return stem + "." + newFormat.ToLowerInvariant();
        }

        /// <summary>
        /// Creates every target volume on the target host; when one fails or does not answer, those made so far are removed again.
        /// </summary>
        public void CreateTargetVolumes()
        {
            string? asked = null;
            try
            {
                foreach (var move in Moves)
                {
                    asked = move.NewPath;
                    var volume = TargetHost.Connection.CreateStorageVolume(move.Pool, StorageVolumeSpec.CopyOf(Path.GetFileName(move.NewPath), move.Format, move.CapacityBytes));
                    move.NewPath = volume.Path;
                    createdTargets.Add(volume.Path);
                }
            }
            catch (MigrationException error) when (error.Kind == ErrorKind.OperationTimeout)
            {
                DeleteUnusedCopies();
                // The call was abandoned: the host may still make that volume, and the bounded connection deletes it then.
                throw error.Retold(
                    $"{error.Message} The volume '{asked}' may still be made there after this; if it is, it is deleted as soon as the host answers.");
            }
            catch (Exception error) when (error is MigrationException || error is OperationCanceledException)
            {
                DeleteUnusedCopies();
                throw;
            }
        }

        /// <summary>Copies a shut-off VM's volume into its target on the same host (the host converts the format when asked).</summary>
        public void CloneTargetVolume(DiskMove move)
        {
            var volume = TargetHost.Connection.CloneStorageVolume(move.Pool, StorageVolumeSpec.CopyOf(Path.GetFileName(move.NewPath), move.Format, move.CapacityBytes), move.OldPath);
            move.NewPath = volume.Path;
            createdTargets.Add(volume.Path);
        }

        /// <summary>Keeps a copy out of <see cref="DeleteUnusedCopies"/> (its copy job could not be cancelled and may still write to it).</summary>
        public void KeepCopy(DiskMove move) => createdTargets.Keep(move.NewPath);

        /// <summary>Removes the copies made on the target host that the VM was not switched onto (best effort); the failures, for the result's message.</summary>
        public IReadOnlyList<string> DeleteUnusedCopies() => createdTargets.Delete(Moves.Where(m => !m.Switched).Select(m => m.NewPath));

        /// <summary>Removes the old volumes of the disks that switched onto their copies (best effort).</summary>
        public IReadOnlyList<string> DeleteSourceVolumes() =>
            Moves.Where(m => m.Switched).Select(m => CreatedVolumes.TryDelete(VM.Host, m.OldPath)).OfType<string>().ToList();
    }
}
