using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution
{
    /// <summary>How another VM depends on a disk file of the VM whose disks would move.</summary>
    public enum DiskDependency
    {
        /// <summary>It opens the same file as one of its own disks.</summary>
        SameFile,
        /// <summary>One of its disks is an overlay that reads through to the file (a backing file).</summary>
        BackingFile,
        /// <summary>It is a linked clone made from the VM: its disks read through to the VM's disks.</summary>
        LinkedClone,
    }

    /// <summary>Another VM of the host that would break if the disks moved away, and why.</summary>
    public sealed class DiskDependent
    {
        public DiskDependent(DiskDependency dependency, string vmName, string hostName, string file, string? overlay)
        {
            Dependency = dependency;
            VMName = vmName;
            HostName = hostName;
            File = file;
            Overlay = overlay;
        }

        public DiskDependency Dependency { get; }
        public string VMName { get; }
        public string HostName { get; }
        /// <summary>The moving VM's file it depends on (empty for <see cref="DiskDependency.LinkedClone"/>).</summary>
        public string File { get; }
        /// <summary>Its own disk that reads through to <see cref="File"/> (for <see cref="DiskDependency.BackingFile"/>).</summary>
        public string? Overlay { get; }

        /// <summary>The error id a move refused for this reason carries.</summary>
        public string ErrorId => Dependency == DiskDependency.SameFile ? StorageErrorIds.DiskShared : CloneErrorIds.ParentProtected;

        /// <summary>Why the disks cannot move, as a clause about the moving VM ("disk '...' is also a disk of VM ..."), with what to do.</summary>
        public string Reason => Dependency switch
        {
            DiskDependency.SameFile => $"disk '{File}' is also a disk of VM '{VMName}' on '{HostName}'; moving it would take it from under that VM. Detach it from one of them first.",
            DiskDependency.BackingFile => $"disk '{File}' is the backing file of '{Overlay}' of VM '{VMName}' on '{HostName}' (an overlay that reads through to it, as a linked clone's disk does); moving it would break that VM. Remove that VM or make it a full clone first.",
            _ => $"it is the parent of the linked clone '{VMName}' on '{HostName}', whose disks read through to its disks; moving them would break that clone. Remove the clone or make it a full clone first.",
        };
    }

    /// <summary>
    /// Finds the VMs of a host that depend on disk files of another VM of that host: those that open the same file, those
    /// with an overlay that reads through to it (found in a running VM's live definition, and through the storage API for a
    /// shut-off VM, whose definition does not show its backing chain), and its linked clones. One check for every command
    /// that moves disks, so none moves a file from under another VM.
    /// </summary>
    public static class DiskSharing
    {
        /// <summary>The first VM of <paramref name="host"/> other than <paramref name="vm"/> that depends on one of <paramref name="files"/>; null when none.</summary>
        public static DiskDependent? FindDependent(ConnectedHost host, GuestInfo vm, IReadOnlyCollection<string> files, HostCalls calls)
        {
            if (files.Count == 0) return null;
            var ours = new HashSet<string>(files, StringComparer.Ordinal);
            var guests = calls.Ask(host, "its list of VMs", () => host.Connection.ListGuests());
            foreach (var other in guests.Where(g => !string.Equals(g.Uuid, vm.Uuid, StringComparison.OrdinalIgnoreCase)))
            {
                if (string.Equals(other.ParentUuid, vm.Uuid, StringComparison.OrdinalIgnoreCase))
                    return new DiskDependent(DiskDependency.LinkedClone, other.Name, host.Name, "", null);
                string xml;
                try
                {
                    // A running VM's live definition names the files it has open, with their backing chains.
                    xml = calls.Ask(host, $"the definition of '{other.Name}'",
                        () => other.Active ? host.Connection.GetGuestXml(other.Name) : host.Connection.GetGuestDefinitionXml(other.Name));
                }
                catch (MigrationException error) when (error.ErrorId == ErrorIds.VmNotFound)
                {
                    continue; // gone since the listing
                }
                var dependent = Dependent(host, other, XDocument.Parse(xml).Root, ours, calls);
                if (dependent != null) return dependent;
            }
            return null;
        }

        private static DiskDependent? Dependent(ConnectedHost host, GuestInfo other, XElement? domain, HashSet<string> ours, HostCalls calls)
        {
            foreach (var disk in domain?.Element("devices")?.Elements("disk") ?? Enumerable.Empty<XElement>())
            {
                var file = (string?)disk.Element("source")?.Attribute("file");
                if (file == null) continue;
                if (ours.Contains(file))
                    return new DiskDependent(DiskDependency.SameFile, other.Name, host.Name, file, null);
                var backing = other.Active
                    ? disk.Descendants("backingStore").Select(b => (string?)b.Element("source")?.Attribute("file")).FirstOrDefault(f => f != null && ours.Contains(f))
                    : calls.Ask(host, $"the volume of '{file}'", () => host.Connection.FindStorageVolume(file))?.BackingPath;
                if (backing != null && ours.Contains(backing))
                    return new DiskDependent(DiskDependency.BackingFile, other.Name, host.Name, backing, file);
            }
            return null;
        }
    }
}
