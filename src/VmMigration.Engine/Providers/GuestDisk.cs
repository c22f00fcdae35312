using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Providers
{
    /// <summary>
    /// One disk device of a guest's definition: its target device, what kind of device it is, the file it opens (when it opens
    /// a file) and the format the hypervisor opens it with. Immutable: an edit is a new disk (<see cref="WithFile"/>).
    /// </summary>
    public sealed class GuestDisk
    {
        public GuestDisk(string target, string path, string format = "raw", bool readOnly = false, string device = "disk", string sourceType = "file",
            bool shareable = false, IEnumerable<string>? backingFiles = null, bool hasSource = true)
        {
            Target = target;
            Path = path;
            Format = format;
            ReadOnly = readOnly;
            Device = device;
            SourceType = sourceType;
            Shareable = shareable;
            BackingFiles = backingFiles?.ToList() ?? (IReadOnlyList<string>)Array.Empty<string>();
            HasSource = hasSource;
        }

        /// <summary>The device name the guest sees it as (vda, sda, ...); empty when the definition names none.</summary>
        public string Target { get; }

        /// <summary>The file the disk opens; empty when its source is not a file (a block device, a network disk, an empty drive).</summary>
        public string Path { get; }

        /// <summary>"qcow2", "raw", ...: how the hypervisor reads the file ("raw" when the definition does not say).</summary>
        public string Format { get; }

        public bool ReadOnly { get; }

        /// <summary>"disk", "cdrom", "floppy", "lun".</summary>
        public string Device { get; }

        /// <summary>Where the data comes from: "file", "block", "network", "volume", ...</summary>
        public string SourceType { get; }

        /// <summary>Whether several guests may open it at once.</summary>
        public bool Shareable { get; }

        /// <summary>
        /// The files below <see cref="Path"/> that its reads go through to, top first, as a running guest's live definition
        /// shows them; empty in a persistent definition, which does not show the chain (ask the storage for it).
        /// </summary>
        public IReadOnlyList<string> BackingFiles { get; }

        /// <summary>False for a drive with nothing in it (a CD-ROM drive without a disc).</summary>
        public bool HasSource { get; }

        /// <summary>A disk of the guest's own held in a file: a "disk" device of source type "file" that names its file.</summary>
        public bool IsFile => Device == "disk" && SourceType == "file" && Path.Length > 0;

        /// <summary>
        /// The disk opening <paramref name="path"/> in <paramref name="format"/>: a file of its own whose chain (if any) the
        /// hypervisor finds anew, since the old file's chain is not the new file's.
        /// </summary>
        public GuestDisk WithFile(string path, string format) =>
            new GuestDisk(Target, path, format, ReadOnly, Device, "file", Shareable, null, true);

        public GuestDisk WithReadOnly(bool readOnly) =>
            new GuestDisk(Target, Path, Format, readOnly, Device, SourceType, Shareable, BackingFiles, HasSource);
    }
}
