using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Execution
{
    /// <summary>
    /// Turns a source VM's definition into its clone's: new name, UUID, MAC addresses and disk files; nothing of the
    /// source's identity may survive, or two VMs would collide on a network or in libvirt.
    /// </summary>
    public static class CloneDomainXml
    {
        /// <summary>The file-backed disks (device "disk") of a definition, in document order.</summary>
        public static IReadOnlyList<GuestDisk> FileDisks(string domainXml)
        {
            return DomainDiskFiles.Elements(Parse(domainXml))
                .Select(d => new GuestDisk(
                    (string?)d.Element("target")?.Attribute("dev") ?? "",
                    (string?)d.Element("source")?.Attribute("file") ?? "",
                    (string?)d.Element("driver")?.Attribute("type") ?? "raw",
                    d.Element("readonly") != null))
                .ToList();
        }

        public static IReadOnlyList<string> MacAddresses(string domainXml) =>
            Parse(domainXml).Descendants("interface").Select(i => (string?)i.Element("mac")?.Attribute("address")).Where(m => m != null).Select(m => m!).ToList();

        public static int InterfaceCount(string domainXml) => Parse(domainXml).Element("devices")?.Elements("interface").Count() ?? 0;

        public static string Uuid(string domainXml) => Parse(domainXml).Element("uuid")?.Value ?? "";

        public static CloneLineage Lineage(string domainXml) => CloneLineage.FromElement(Parse(domainXml).Element("metadata")?.Element(CloneLineage.ElementName));

        /// <param name="sourceXml">the source's persistent definition</param>
        /// <param name="diskFiles">each source disk file and the clone's file that replaces it</param>
        /// <param name="diskFormat">the clone's disk format (an overlay is always qcow2); null keeps each disk's own</param>
        /// <param name="lineage">what the clone records about its parent; null for a VM of its own (a full clone)</param>
        public static string Rewrite(string sourceXml, string newName, CloneIdentity identity, IReadOnlyDictionary<string, string> diskFiles,
            string? diskFormat, CloneLineage? lineage)
        {
            var domain = Parse(sourceXml);
            var oldName = domain.Element("name")?.Value ?? "";
            SetChild(domain, "name", newName, first: true);
            SetChild(domain, "uuid", identity.Uuid, after: "name");
            // Ids libvirt derives from the old identity would otherwise be reused verbatim.
            domain.Element("genid")?.Remove();
            domain.Attribute("id")?.Remove();

            var sourceLineage = CloneLineage.FromElement(domain.Element("metadata")?.Element(CloneLineage.ElementName));
            foreach (var disk in DomainDiskFiles.Elements(domain))
            {
                if (!DomainDiskFiles.Repoint(disk, diskFiles)) continue;
                if (diskFormat != null) disk.Element("driver")?.SetAttributeValue("type", diskFormat);
                var target = (string?)disk.Element("target")?.Attribute("dev") ?? "";
                // Read-only only to protect the source's linked clones: the copy is a disk of its own.
                if (sourceLineage.ProtectedDisks.Contains(target)) disk.Elements("readonly").Remove();
            }

            var interfaces = domain.Element("devices")?.Elements("interface").ToList() ?? new List<XElement>();
            if (interfaces.Count > identity.MacAddresses.Count)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"The clone needs {interfaces.Count} MAC addresses but {identity.MacAddresses.Count} were allocated.", newName);
            for (int index = 0; index < interfaces.Count; index++)
            {
                var mac = interfaces[index].Element("mac");
                if (mac == null) interfaces[index].AddFirst(mac = new XElement("mac"));
                mac.SetAttributeValue("address", identity.MacAddresses[index]);
                // A fixed tap device name belongs to the source's running interface.
                interfaces[index].Element("target")?.Remove();
            }

            // Files a character device writes (serial logs) are the VM's own; two VMs appending to one would mix.
            foreach (var charSource in (domain.Element("devices")?.Elements() ?? Enumerable.Empty<XElement>())
                         .Where(d => (d.Name == "serial" || d.Name == "console") && (string?)d.Attribute("type") == "file")
                         .Select(d => d.Element("source")).Where(s => s != null))
            {
                var path = (string?)charSource!.Attribute("path");
                if (path == null || oldName.Length == 0) continue;
                var fileName = Path.GetFileName(path);
                var renamed = fileName.Contains(oldName) ? fileName.Replace(oldName, newName) : newName + "-" + fileName;
                charSource.SetAttributeValue("path", Path.Combine(Path.GetDirectoryName(path) ?? "", renamed));
            }

            var metadata = domain.Element("metadata");
            metadata?.Elements(CloneLineage.ElementName).Remove();
            if (lineage != null && !lineage.IsEmpty)
            {
                if (metadata == null) SetChild(domain, "metadata", null, after: "uuid");
                domain.Element("metadata")!.Add(lineage.ToElement());
            }
            else if (metadata != null && !metadata.HasElements)
            {
                metadata.Remove();
            }
            return domain.ToString();
        }

        /// <summary>
        /// The parent's definition with the disks linked clones are backed by made read-only (QEMU then refuses to write them)
        /// and recorded in the parent's lineage, so a later copy of the parent knows they were read-only only for this.
        /// </summary>
        public static string ProtectAsParent(string parentXml, IEnumerable<string> diskTargets)
        {
            var domain = Parse(parentXml);
            var lineage = CloneLineage.FromElement(domain.Element("metadata")?.Element(CloneLineage.ElementName));
            var targets = new HashSet<string>(diskTargets);
            var newlyProtected = new List<string>();
            foreach (var disk in DomainDiskFiles.Elements(domain))
            {
                var target = (string?)disk.Element("target")?.Attribute("dev") ?? "";
                if (!targets.Contains(target) || disk.Element("readonly") != null) continue;
                disk.Add(new XElement("readonly"));
                newlyProtected.Add(target);
            }
            lineage.ProtectedDisks = lineage.ProtectedDisks.Concat(newlyProtected).Distinct().ToList();
            var metadata = domain.Element("metadata");
            if (metadata == null) SetChild(domain, "metadata", null, after: "uuid");
            metadata = domain.Element("metadata")!;
            metadata.Elements(CloneLineage.ElementName).Remove();
            metadata.Add(lineage.ToElement());
            return domain.ToString();
        }

        private static void SetChild(XElement domain, string name, string? value, bool first = false, string? after = null)
        {
            var existing = domain.Element(name);
            if (existing != null)
            {
                if (value != null) existing.Value = value;
                return;
            }
            var element = value == null ? new XElement(name) : new XElement(name, value);
            var anchor = after == null ? null : domain.Element(after);
            if (anchor != null) anchor.AddAfterSelf(element);
            else if (first) domain.AddFirst(element);
            else domain.Add(element);
        }

        private static XElement Parse(string domainXml)
        {
            try
            {
                return XElement.Parse(domainXml);
            }
            catch (System.Xml.XmlException e)
            {
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "The domain XML is not well-formed: " + e.Message, null, e);
            }
        }
    }
}
