using VmMigration.Errors;

namespace VmMigration.Execution.Storage
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
        public string ErrorId => Dependency == DiskDependency.SameFile ? ErrorIds.DiskShared : ErrorIds.ParentProtected;

        /// <summary>Why the disks cannot move, as a clause about the moving VM ("disk '...' is also a disk of VM ..."), with what to do.</summary>
        public string Reason => Dependency switch
        {
            DiskDependency.SameFile => $"disk '{File}' is also a disk of VM '{VMName}' on '{HostName}'; moving it would take it from under that VM. Detach it from one of them first.",
            DiskDependency.BackingFile => $"disk '{File}' is the backing file of '{Overlay}' of VM '{VMName}' on '{HostName}' (an overlay that reads through to it, as a linked clone's disk does); moving it would break that VM. Remove that VM or make it a full clone first.",
            _ => $"it is the parent of the linked clone '{VMName}' on '{HostName}', whose disks read through to its disks; moving them would break that clone. Remove the clone or make it a full clone first.",
        };
    }
}
