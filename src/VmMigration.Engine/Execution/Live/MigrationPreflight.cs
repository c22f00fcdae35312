using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Clone;
using VmMigration.Execution.Storage;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// The checks a live migration must pass before anything changes. Each failure is a reason with a stable id;
    /// Test-VMMigration shows them all, Move-VMLive refuses with the first.
    /// </summary>
    public static class MigrationPreflight
    {
        /// <summary>The libvirt release that added zlib and zstd compression of parallel (multifd) migration streams.</summary>
        public static readonly Version MultifdCompressionSince = new Version(9, 4, 0);

        public static IReadOnlyList<MigrationException> Check(LiveMigrationRequest request, CancellationToken cancellationToken)
        {
            var reasons = new List<MigrationException>();
            var vm = request.VM;
            var source = vm.Host;
            var destination = request.Destination;
            var fromSource = source.CancellableConnection(cancellationToken);
            var toDestination = destination.CancellableConnection(cancellationToken);
            var name = vm.Guest.Name;

            if (string.Equals(source.Name, destination.Name, StringComparison.OrdinalIgnoreCase) || source.Uri.Equals(destination.Uri))
            {
                reasons.Add(new MigrationException(ErrorIds.DestinationIsSource, ErrorKind.InvalidArgument,
                    $"VM '{name}' already runs on '{source.Name}', the destination given. Choose another host.", name));
                return reasons;
            }

            if (!string.Equals(source.Provider, destination.Provider, StringComparison.OrdinalIgnoreCase))
            {
                // A live migration runs between two hypervisors of one kind: neither libvirt nor Hyper-V can receive the other's.
                reasons.Add(new MigrationException(ErrorIds.DifferentHypervisors, ErrorKind.InvalidArgument,
                    $"VM '{name}' runs on '{source.Name}' ({source.Provider}); '{destination.Name}' is a {destination.Provider} host, and a live migration cannot cross hypervisors. Choose a {source.Provider} host.", name));
                return reasons;
            }

            try
            {
                CloneFamily.EnsureNoChildren(fromSource, vm.Guest, "moving");
            }
            catch (MigrationException protectedParent) when (protectedParent.ErrorId == ErrorIds.ParentProtected)
            {
                reasons.Add(protectedParent);
            }

            if (!vm.Guest.Active)
            {
                reasons.Add(new MigrationException(ErrorIds.VmNotRunning, ErrorKind.InvalidOperation,
                    $"VM '{name}' on '{source.Name}' is {vm.Guest.State}; live migration moves running VMs only. Start it first, or move it cold.", name));
            }

            if (request.MigrationAddress == null && request.MigrationNetwork != null)
            {
                try
                {
                    _ = request.MigrationUri;
                }
                catch (MigrationException noAddress)
                {
                    reasons.Add(noAddress);
                }
            }

            // A move already under way is the reason that matters most: everything else describes its half-done state.
            if (ActiveMigrations.IsActive(vm.Guest.Uuid))
            {
                reasons.Add(ActiveMigrations.AlreadyRunning(name));
            }
            else if (vm.Guest.Active)
            {
                var job = fromSource.GetJobProgress(name);
                if (job != null)
                {
                    reasons.Add(ActiveMigrations.AlreadyRunning(name));
                }
            }

            Providers.HostFacts destinationFacts;
            Providers.HostFacts sourceFacts;
            try
            {
                destinationFacts = toDestination.GetHostFacts();
                sourceFacts = fromSource.GetHostFacts();
            }
            catch (MigrationException unreachable)
            {
                reasons.Add(unreachable);
                return reasons;
            }

            var compression = (request.Compression ?? "").Trim();
            if ((compression.Equals("Zstd", StringComparison.OrdinalIgnoreCase) || compression.Equals("Zlib", StringComparison.OrdinalIgnoreCase))
                && Version.TryParse(sourceFacts.LibvirtVersion, out var libvirt) && libvirt < MultifdCompressionSince)
            {
                // libvirt before 9.4 refuses the method only once the migration is asked for; saying so here lets Test-VMMigration show it.
                reasons.Add(new MigrationException(ErrorIds.CompressionUnsupported, ErrorKind.InvalidOperation,
                    $"libvirt {sourceFacts.LibvirtVersion} on '{source.Name}' cannot compress migration streams with {compression} (that came with libvirt {MultifdCompressionSince}). Move VM '{name}' with -Compression None, or upgrade libvirt.", name));
            }

            if (!string.IsNullOrEmpty(sourceFacts.HostUuid) && string.Equals(sourceFacts.HostUuid, destinationFacts.HostUuid, StringComparison.OrdinalIgnoreCase))
            {
                reasons.Add(new MigrationException(ErrorIds.DestinationIsSource, ErrorKind.InvalidArgument,
                    $"'{destination.Name}' and '{source.Name}' are the same machine (host UUID {sourceFacts.HostUuid}); VM '{name}' cannot move onto the host it runs on.", name));
                return reasons;
            }

            var clash = toDestination.FindGuest(vm.Guest.Uuid) ?? toDestination.FindGuest(name);
            if (clash != null)
            {
                reasons.Add(new MigrationException(ErrorIds.VmExistsOnDestination, ErrorKind.ResourceExists,
                    $"'{destination.Name}' already has a VM named '{clash.Name}' (UUID {clash.Uuid}, {clash.State}); moving '{name}' there would define it twice. Remove or rename the other one first.", name));
            }

            if (vm.Guest.Active)
            {
                var cpu = toDestination.CheckGuestCpu(fromSource.GetLiveGuestDefinition(name));
                if (cpu.Reasons.Count > 0)
                {
                    reasons.AddRange(cpu.Reasons);
                }
                else if (cpu.Compatible == false)
                {
                    reasons.Add(new MigrationException(ErrorIds.CpuIncompatible, ErrorKind.InvalidOperation,
                        $"VM '{name}' cannot run on '{destination.Name}': {cpu.Detail}. Choose a host with the same CPU, or give the VM a CPU model both hosts offer.", name));
                }
            }

            if (vm.Guest.Active && !request.MovesStorage)
            {
                reasons.AddRange(DisksNotOnDestination(request));
            }
            else if (vm.Guest.Active)
            {
                try
                {
                    // Where the disks would land, checked as the move will check it (nothing is made here).
                    DiskRelocation.Plan(vm, destination, request.DestinationStoragePool, request.Disks, request.DiskFormat);
                }
                catch (MigrationException storage)
                {
                    // A linked-clone parent is named once, by the check above.
                    if (!reasons.Any(r => r.ErrorId == storage.ErrorId)) reasons.Add(storage);
                }
                if (request.Disks.Count > 0)
                {
                    // The disks -Disk leaves behind must be ones the destination can open.
                    reasons.AddRange(DisksNotOnDestination(request));
                }
            }

            if (destinationFacts.FreeMemoryMB > 0 && vm.Guest.MemoryMB > destinationFacts.FreeMemoryMB)
            {
                reasons.Add(new MigrationException(ErrorIds.InsufficientCapacity, ErrorKind.LimitsExceeded,
                    $"VM '{name}' needs {vm.Guest.MemoryMB} MiB but '{destination.Name}' has {destinationFacts.FreeMemoryMB} MiB free. Choose another host or free memory there.", name));
            }

            return reasons;
        }

        /// <summary>
        /// Disks that stay where they are (all of them, or those -Disk does not name) that the destination cannot open: pool
        /// volumes on the source that no pool of the destination holds at the same path (shared storage is defined as a pool on
        /// every host that mounts it). Files outside pools are left to the hypervisor.
        /// </summary>
        private static IEnumerable<MigrationException> DisksNotOnDestination(LiveMigrationRequest request)
        {
            var name = request.VM.Guest.Name;
            var source = request.VM.Host.Connection;
            var reasons = new List<MigrationException>();
            var moving = request.MovesStorage ? request.Disks : Array.Empty<string>();
            foreach (var disk in source.GetLiveGuestDefinition(name).FileDisks)
            {
                if (moving.Contains(disk.Target)) continue;
                if (disk.ReadOnly || disk.Path.Length == 0 || source.FindStorageVolume(disk.Path) == null || request.Destination.Connection.FindStorageVolume(disk.Path) != null) continue;
                var remedy = moving.Count > 0
                    ? $"Name it with -Disk as well ({string.Join(", ", moving.Append(disk.Target))})"
                    : "Move the disks with the VM (-CopyStorage, or -DestinationStoragePool <pool>)";
                reasons.Add(new MigrationException(ErrorIds.DiskNotOnDestination, ErrorKind.InvalidOperation,
                    $"Disk {disk.Target} of VM '{name}' ('{disk.Path}') is in a storage pool of '{request.VM.Host.Name}' that '{request.Destination.Name}' does not have. {remedy}, or define the shared pool on '{request.Destination.Name}'.", name));
            }
            return reasons;
        }
    }
}
