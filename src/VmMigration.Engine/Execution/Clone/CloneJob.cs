using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Phases;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Clone
{
    /// <summary>
    /// Makes a clone: checks (name, pool, space, linked rules), copies or links every file disk through libvirt's storage API,
    /// defines the clone with a new identity, protects a linked clone's parent, and starts the clone when asked.
    /// A running source is cloned crash-consistently from disks frozen under temporary overlays (the switch is measured).
    /// A linked clone of a running parent is based on the parent's disks frozen for good: the parent goes on running, without
    /// a restart, on new overlays of its own, and its frozen files become the read-only base of both.
    /// On any failure everything this job created is removed again and the parent's definition (and disks) restored.
    /// </summary>
    public sealed class CloneJob
    {
        /// <summary>Room an empty qcow2 overlay needs (header, L1 and refcount tables), rounded up generously.</summary>
        internal const long OverlayReserveBytes = 1L << 20;

        /// <summary>Merging back only what the guest wrote during the copy; generous for a busy guest on a slow disk.</summary>
        private static readonly TimeSpan OverlayMergeTimeout = TimeSpan.FromMinutes(10);

        private readonly CloneRequest request;
        private readonly IReadOnlyList<ConnectedHost> connectedHosts;
        private readonly IProgress<CloneProgress>? progress;
        private readonly Random random;

        public CloneJob(CloneRequest request, IReadOnlyList<ConnectedHost> connectedHosts, IProgress<CloneProgress>? progress = null, Random? random = null)
        {
            this.request = request ?? throw new ArgumentNullException(nameof(request));
            this.connectedHosts = connectedHosts;
            this.progress = progress;
            this.random = random ?? new Random();
        }

        public CloneOutcome Run(CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var source = request.Source;
            var sourceHost = source.Host;
            var destination = request.Destination ?? sourceHost;
            bool sameHost = destination.Uri.Equals(sourceHost.Uri);
            var parent = source.Guest;

            Report("Checking");
            var (usedUuids, usedMacs) = SurveyIdentities(cancellationToken);
            if (request.Linked && !sameHost)
                throw new MigrationException(ErrorIds.LinkedCloneAcrossHosts, ErrorKind.InvalidArgument,
                    $"A linked clone of '{parent.Name}' must be on its host '{sourceHost.Name}': its disks read through to the parent's disks, which '{destination.Name}' cannot open. Drop -Destination, or drop -Linked for a full clone.",
                    request.Name);
            // A running (or paused) parent cannot be made read-only under its guest: it moves onto new overlays instead.
            bool parentMovesOntoOverlays = request.Linked && parent.Active;

            var sourceDefinition = sourceHost.Connection.GetGuestDefinition(parent.Name);
            var disks = sourceDefinition.FileDisks;
            // Copies, on one host by the host itself, to another as a byte stream; a linked clone's overlays read through to the parent.
            var copy = request.Linked ? DiskCopyMethod.LinkedOverlay : sameHost ? DiskCopyMethod.HostCopy : DiskCopyMethod.ByteStream;
            long overlayBytes = OverlayReserveBytes * (parentMovesOntoOverlays ? 2 : 1);
            var placements = DiskPlacementCheck.Run(source, destination, disks, DiskTransfer.Copy, copy, found =>
            {
                // Every disk goes into one pool: the one named, or the first disk's.
                var poolName = request.StoragePool ?? found.Select(v => v.Volume.PoolName).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "";
                return found.Select(v => new PlannedVolume(v.Disk, v.Volume, poolName, VolumeNameFor(v.Disk, v.Volume), request.Linked ? overlayBytes : v.Volume.AllocationBytes));
            }, cancellationToken);
            var volumes = placements.Select(p => p.Planned.Source).ToList();
            var pool = placements.Select(p => p.Pool).FirstOrDefault();

            var identity = CloneIdentity.Allocate(sourceDefinition.MacAddresses.Count, usedUuids, usedMacs, random);
            var outcome = new CloneOutcome { StoragePool = pool?.Name ?? "" };
            Dictionary<string, string> diskFiles = null!;
            var job = new PhasedJob<ClonePhase>(phase => new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
                $"The clone '{request.Name}' of '{parent.Name}' was stopped while {phase}; what it made was removed.", request.Name));
            job.Phase(ClonePhase.Copying, token =>
                {
                    if (parentMovesOntoOverlays && disks.Count > 0)
                    {
                        MoveParentOntoOverlays(disks, volumes, outcome);
                        var overlaid = disks.Select(d => d.Target).ToList();
                        // Last, once nothing reads its base: the parent's new overlays are merged back.
                        job.OnFailure(() =>
                        {
                            try
                            {
                                sourceHost.Connection.MergeDiskOverlays(parent.Name, overlaid, OverlayMergeTimeout);
                            }
                            catch (MigrationException merge)
                            {
                                job.Problem($"'{parent.Name}' still runs on its overlays ({merge.Message})");
                            }
                        });
                    }
                    var created = new CreatedVolumes(destination);
                    job.OnFailure(() =>
                    {
                        var leftOver = created.DeleteAll();
                        if (leftOver.Count > 0) job.Problem($"not every volume the clone made could be removed ({string.Join("; ", leftOver)}); delete them by hand");
                    });
                    diskFiles = CopyDisks(disks, volumes, pool, destination, sameHost, created, outcome, token);
                })
               .Phase(ClonePhase.Defining, _ =>
                {
                    Report("Defining " + request.Name);
                    var lineage = request.Linked ? new CloneLineage { ParentName = parent.Name, ParentUuid = parent.Uuid } : null;
                    var cloneDefinition = CloneDefinition.For(sourceDefinition, request.Name, identity, diskFiles, request.Linked ? "qcow2" : null, lineage);
                    destination.Connection.DefineGuest(cloneDefinition);
                    // Before its volumes go: a running QEMU holds them open.
                    job.OnFailure(() =>
                    {
                        Try(() => destination.Connection.DestroyGuest(request.Name));
                        Try(() => destination.Connection.UndefineGuest(request.Name));
                    });

                    // A parent that moved onto overlays writes only to them: its frozen files need no read-only mark.
                    if (request.Linked && !parentMovesOntoOverlays && disks.Count > 0)
                    {
                        var protectedDefinition = CloneDefinition.ProtectAsParent(sourceDefinition, disks.Select(d => d.Target));
                        sourceHost.Connection.UpdateGuestDefinition(protectedDefinition);
                        job.OnFailure(() => Try(() => sourceHost.Connection.UpdateGuestDefinition(sourceDefinition)));
                    }
                })
               .Phase(ClonePhase.Starting, _ =>
                {
                    if (request.Start)
                    {
                        Report("Starting " + request.Name);
                        destination.Connection.StartGuest(request.Name);
                    }
                    var guest = destination.Connection.FindGuest(request.Name) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                        $"The clone '{request.Name}' vanished from '{destination.Name}' right after it was defined.", request.Name);
                    var vm = Inventory.ToMigrationVM(guest, destination.Name);
                    vm.IsLinkedClone = request.Linked;
                    vm.ParentName = request.Linked ? parent.Name : null;
                    outcome.VM = vm;
                    outcome.DiskPaths = diskFiles.Values.ToList();
                });

            var ended = job.Run(cancellationToken);
            if (ended.Failure != null)
            {
                // A clone stopped by the user ends as every stopped command does; the clean-up above has run.
                if (ended.Stopped && cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
                throw ended.Problems.Count == 0 ? ended.Failure : ended.Failure.Retold(ended.Message(null)!);
            }
            outcome.DurationMs = clock.ElapsedMilliseconds;
            return outcome;
        }

        private Dictionary<string, string> CopyDisks(IReadOnlyList<GuestDisk> disks, IReadOnlyList<StorageVolumeInfo> volumes, StoragePoolInfo? pool,
            ConnectedHost destination, bool sameHost, CreatedVolumes created, CloneOutcome outcome, CancellationToken cancellationToken)
        {
            var diskFiles = new Dictionary<string, string>(StringComparer.Ordinal);
            if (disks.Count == 0) return diskFiles;
            var sourceHost = request.Source.Host;
            var sourceName = request.Source.Guest.Name;
            // A running source's disks are frozen under temporary overlays (an atomic disk-only external snapshot: QEMU pauses
            // the guest only for the switch), copied while the guest writes into the overlays, then merged back. Every disk
            // is copied as of one instant, as after a power cut: crash-consistent. A linked clone reads the parent's disks
            // as they are (shut off, or frozen for good by MoveParentOntoOverlays).
            bool freeze = !request.Linked && request.Source.Guest.State == VMState.Running;
            if (freeze)
            {
                var suffix = ".vmmigration-freeze-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".qcow2";
                var overlays = disks.ToDictionary(d => d.Target, d => d.Path + suffix);
                Report($"Freezing the disks of {sourceName}");
                var switchClock = Stopwatch.StartNew();
                sourceHost.Connection.CreateDiskOverlays(sourceName, overlays);
                outcome.SourcePausedMs = switchClock.ElapsedMilliseconds;
            }
            try
            {
                for (int index = 0; index < disks.Count; index++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var disk = disks[index];
                    var volume = volumes[index];
                    var volumeName = VolumeNameFor(disk, volume);
                    Report($"Copying disk {disk.Target} ({index + 1} of {disks.Count})", 0, volume.AllocationBytes);
                    StorageVolumeInfo made;
                    if (request.Linked)
                    {
                        made = destination.Connection.CreateStorageVolume(pool!.Name, StorageVolumeSpec.Overlay(volumeName, volume.CapacityBytes, volume.Path, disk.Format));
                        created.Add(made.Path);
                    }
                    else if (sameHost)
                    {
                        made = destination.Connection.CloneStorageVolume(pool!.Name, StorageVolumeSpec.CopyOf(volumeName, volume.Format, volume.CapacityBytes), volume.Path);
                        created.Add(made.Path);
                        outcome.CopiedBytes += made.AllocationBytes;
                    }
                    else
                    {
                        long total = volume.AllocationBytes;
                        made = CrossHostVolumeCopy.Copy(sourceHost.Connection, volume, destination.Connection, pool!.Name, volumeName, created, cancellationToken,
                            done => Report($"Copying disk {disk.Target}", done, total), out var dataBytes);
                        outcome.CopiedBytes += dataBytes;
                    }
                    diskFiles[disk.Path] = made.Path;
                }
            }
            finally
            {
                if (freeze)
                {
                    Report($"Merging the writes of {sourceName} back into its disks");
                    sourceHost.Connection.MergeDiskOverlays(sourceName, disks.Select(d => d.Target), OverlayMergeTimeout);
                }
            }
            return diskFiles;
        }

        /// <summary>
        /// The running parent's disks become the clone's base: each gets an overlay that the parent writes from now on (an
        /// atomic disk-only external snapshot; QEMU pauses the guest only for the switch, which is measured), so its original
        /// files never change again. The overlay is named for the clone it was made for, beside the file it covers.
        /// </summary>
        private void MoveParentOntoOverlays(IReadOnlyList<GuestDisk> disks, IReadOnlyList<StorageVolumeInfo> volumes, CloneOutcome outcome)
        {
            var parentName = request.Source.Guest.Name;
            var connection = request.Source.Host.Connection;
            var overlays = disks.ToDictionary(d => d.Target, d => ParentOverlayPath(d.Path));
            Report($"Moving {parentName} onto new overlays; its disks become the base of {request.Name}");
            var switchClock = Stopwatch.StartNew();
            connection.CreateDiskOverlays(parentName, overlays);
            outcome.SourcePausedMs = switchClock.ElapsedMilliseconds;
            outcome.ParentOverlayPaths = overlays.Values.ToList();
            // QEMU made the overlays beside the files: a refresh makes them volumes of those pools, which later copies,
            // moves and clones of the parent find its disks through.
            foreach (var poolName in volumes.Select(v => v.PoolName).Where(p => !string.IsNullOrEmpty(p)).Distinct(StringComparer.Ordinal))
                connection.FindStoragePool(poolName);
        }

        /// <summary>/pool/web1.qcow2 -> /pool/web1.after-web2.qcow2 for a clone named web2.</summary>
        private string ParentOverlayPath(string baseFile)
        {
            var directory = Path.GetDirectoryName(baseFile) ?? "";
            return Path.Combine(directory, Path.GetFileNameWithoutExtension(baseFile) + ".after-" + request.Name + ".qcow2");
        }

        /// <summary>&lt;clone&gt;-&lt;target&gt;&lt;extension of the source&gt;: unique per clone and disk, and says whose it is.</summary>
        private string VolumeNameFor(GuestDisk disk, StorageVolumeInfo volume)
        {
            var extension = request.Linked ? ".qcow2" : Path.GetExtension(volume.Name);
            return request.Name + "-" + (disk.Target.Length > 0 ? disk.Target : "disk") + extension;
        }

        /// <summary>
        /// Every UUID and MAC address in use on the connected hosts; refuses the clone's name when any host has it.
        /// A host that does not answer cannot be checked and is skipped (its VMs were checked when they were made).
        /// </summary>
        private (HashSet<string> Uuids, HashSet<string> Macs) SurveyIdentities(CancellationToken cancellationToken)
        {
            var uuids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var macs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var host in connectedHosts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var connection = host.CancellableConnection(cancellationToken);
                IReadOnlyList<GuestInfo> guests;
                try
                {
                    guests = connection.ListGuests();
                }
                catch (MigrationException)
                {
                    continue;
                }
                var clash = guests.FirstOrDefault(g => string.Equals(g.Name, request.Name, StringComparison.Ordinal));
                if (clash != null)
                    throw new MigrationException(ErrorIds.CloneNameExists, ErrorKind.ResourceExists,
                        $"A VM named '{request.Name}' already exists on '{host.Name}'. Choose another name for the clone.", request.Name);
                foreach (var guest in guests)
                {
                    uuids.Add(guest.Uuid);
                    try
                    {
                        foreach (var mac in connection.GetGuestDefinition(guest.Name).MacAddresses.Where(m => m != null)) macs.Add(mac!);
                    }
                    catch (MigrationException e) when (e.ErrorId == ErrorIds.VmNotFound)
                    {
                        // removed meanwhile
                    }
                }
            }
            return (uuids, macs);
        }

        private static void Try(Action step)
        {
            try
            {
                step();
            }
            catch (MigrationException)
            {
            }
        }

        private void Report(string activity, long done = 0, long total = 0) => progress?.Report(new CloneProgress(activity, done, total));
    }
}
