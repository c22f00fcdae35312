using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Where each disk of a storage move goes, checked before anything changes: the disks named exist, then the rules every
    /// copy of disks keeps (<see cref="DiskPlacementCheck"/>: a volume of a pool, no other VM uses it, the target pool exists
    /// and has room, no volume there has the new name). Then the
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
            var chosen = Choose(vm.Guest.Name, MovableDisks(vm), diskTargets);
            var sameHost = vm.Host.Uri.Equals(targetHost.Uri);
            // A running VM's disks are mirrored by QEMU, a shut-off VM's copied by its host: both flatten a backing chain.
            var copy = vm.Guest.Active ? DiskCopyMethod.LiveMirror : DiskCopyMethod.HostCopy;
            var placements = DiskPlacementCheck.Run(vm, targetHost, chosen, DiskTransfer.Move, copy,
                volumes => volumes.Where(v => !(sameHost && InPlace(v.Disk, v.Volume, poolName, diskFormat)))
                    .Select(v => new PlannedVolume(v.Disk, v.Volume, poolName ?? v.Volume.PoolName, VolumeName(v.Volume.Name, v.Disk.Format, diskFormat ?? v.Disk.Format), v.Volume.AllocationBytes)),
                CancellationToken.None);
            var moves = placements.Select(p => new DiskMove
            {
                Target = p.Planned.Disk.Target, OldPath = p.Planned.Disk.Path, NewPath = p.TargetPath ?? p.Planned.TargetName, Pool = p.Pool.Name,
                OldFormat = p.Planned.Disk.Format, Format = diskFormat ?? p.Planned.Disk.Format,
                CapacityBytes = p.Planned.Source.CapacityBytes, AllocatedBytes = p.Planned.Source.AllocationBytes,
            }).ToList();
            var alreadyInPlace = chosen.Where(d => !placements.Any(p => p.Planned.Disk == d)).Select(d => d.Target).ToList();
            return new DiskRelocation(vm, targetHost, moves, alreadyInPlace);
        }

        /// <summary>The disk's volume is in the pool asked for already, in the format asked for (on the same host).</summary>
        private static bool InPlace(GuestDisk disk, StorageVolumeInfo volume, string? poolName, string? diskFormat) =>
            string.Equals(volume.PoolName, poolName ?? volume.PoolName, StringComparison.Ordinal)
            && string.Equals(diskFormat ?? disk.Format, disk.Format, StringComparison.OrdinalIgnoreCase);

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
