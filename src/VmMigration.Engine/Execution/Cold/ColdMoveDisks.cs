using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Cold
{
    /// <summary>
    /// Whether the disks of a shut-off VM can move with it, and which volumes they are. Each must be a file disk, not read
    /// through by linked clones, and pass <see cref="DiskPlacementCheck"/> for a byte stream: a volume of a storage pool on
    /// the source that stands alone (no backing chain), that no other VM uses, and for which the destination has an active
    /// pool of the same name with room and no volume of that name. Anything else cannot move without breaking a VM or
    /// overwriting a volume, and is refused with the reason.
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

            // The volumes are streamed byte for byte, each into the destination's pool of its own pool's name.
            var refusal = DiskPlacementCheck.Check(new LocatedVM(source, guest), destination, definition.FileDisks, DiskTransfer.Move, DiskCopyMethod.ByteStream,
                volumes => volumes.Select(v => new PlannedVolume(v.Disk, v.Volume, v.Volume.PoolName, v.Volume.Name, v.Volume.AllocationBytes)),
                cancellationToken, out var placements);
            return refusal != null
                ? Refuse(refusal.Message)
                : new ColdMoveDisks(placements.Select(p => new ColdMoveDisk(p.Planned.Disk, p.Planned.Source) { DestinationPath = p.TargetPath }).ToList(), null);
        }

        private static ColdMoveDisks Refuse(string reason) => new ColdMoveDisks(Array.Empty<ColdMoveDisk>(), reason);
    }
}
