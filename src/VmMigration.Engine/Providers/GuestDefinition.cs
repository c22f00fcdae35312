using System;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Providers
{
    /// <summary>
    /// A guest's definition as the engine sees it: its identity, size, disks, network interfaces' MAC addresses and the clone
    /// lineage the module records with it. Immutable; each edit the engine makes (a clone's new identity, disks in new files,
    /// a lineage) is a new definition. A provider that read it keeps what the engine does not model in
    /// <see cref="ProviderDefinition"/>, so writing an edited definition back changes only what was edited.
    /// </summary>
    public sealed class GuestDefinition
    {
        public GuestDefinition(string name, string uuid, IEnumerable<GuestDisk>? disks = null, IEnumerable<string?>? macAddresses = null,
            CloneLineage? lineage = null, long memoryMB = 0, int vCpuCount = 0)
            : this(name, uuid, disks, macAddresses, lineage, memoryMB, vCpuCount, null)
        {
        }

        internal GuestDefinition(string name, string uuid, IEnumerable<GuestDisk>? disks, IEnumerable<string?>? macAddresses,
            CloneLineage? lineage, long memoryMB, int vCpuCount, object? providerDefinition)
        {
            Name = name;
            Uuid = uuid;
            Disks = disks?.ToList() ?? (IReadOnlyList<GuestDisk>)Array.Empty<GuestDisk>();
            MacAddresses = macAddresses?.ToList() ?? (IReadOnlyList<string?>)Array.Empty<string?>();
            Lineage = lineage ?? new CloneLineage();
            MemoryMB = memoryMB;
            VCpuCount = vCpuCount;
            ProviderDefinition = providerDefinition;
        }

        public string Name { get; }
        public string Uuid { get; }

        /// <summary>The guest's maximum memory; 0 when not known.</summary>
        public long MemoryMB { get; }

        /// <summary>0 when not known.</summary>
        public int VCpuCount { get; }

        /// <summary>Every disk device, in definition order.</summary>
        public IReadOnlyList<GuestDisk> Disks { get; }

        /// <summary>The guest's own file disks (<see cref="GuestDisk.IsFile"/>), in definition order.</summary>
        public IReadOnlyList<GuestDisk> FileDisks => Disks.Where(d => d.IsFile).ToList();

        /// <summary>One per network interface, in definition order; null where the definition leaves it to the hypervisor.</summary>
        public IReadOnlyList<string?> MacAddresses { get; }

        public CloneLineage Lineage { get; }

        /// <summary>
        /// What the provider read the definition from (for libvirt, the domain XML), opaque to the engine; null for a
        /// definition made from scratch. It travels with every edit so nothing the engine does not model is lost.
        /// </summary>
        internal object? ProviderDefinition { get; }

        /// <summary>The same guest under another identity: another VM as far as any host or network can tell.</summary>
        public GuestDefinition WithIdentity(string name, string uuid, IEnumerable<string?> macAddresses)
        {
            var macs = macAddresses.ToList();
            if (macs.Count != MacAddresses.Count)
                throw new ArgumentException($"The definition has {MacAddresses.Count} network interfaces; {macs.Count} MAC addresses were given.", nameof(macAddresses));
            return new GuestDefinition(name, uuid, Disks, macs, Lineage, MemoryMB, VCpuCount, ProviderDefinition);
        }

        /// <summary>Each disk as <paramref name="edit"/> returns it (the same disk to leave it as it is).</summary>
        public GuestDefinition WithDisks(Func<GuestDisk, GuestDisk> edit) =>
            new GuestDefinition(Name, Uuid, Disks.Select(edit), MacAddresses, Lineage, MemoryMB, VCpuCount, ProviderDefinition);

        /// <summary>
        /// Each placed disk (a storage move's copy) opens its new file in its new format and stands alone, since a moved disk
        /// is a full copy; the disks not placed stay as they are. Placing a disk the definition does not have is an error.
        /// </summary>
        public GuestDefinition WithDisksPlaced(IEnumerable<DiskPlacement> placements)
        {
            var byTarget = placements.ToDictionary(p => p.Target, StringComparer.Ordinal);
            var missing = byTarget.Keys.Where(t => Disks.All(d => d.Target != t)).ToList();
            if (missing.Count > 0)
                throw new ArgumentException($"The definition has no disk {string.Join(", ", missing)}.", nameof(placements));
            return WithDisks(d => byTarget.TryGetValue(d.Target, out var placement) ? d.WithFile(placement.Path, placement.Format) : d);
        }

        public GuestDefinition WithLineage(CloneLineage lineage) =>
            new GuestDefinition(Name, Uuid, Disks, MacAddresses, lineage, MemoryMB, VCpuCount, ProviderDefinition);
    }
}
