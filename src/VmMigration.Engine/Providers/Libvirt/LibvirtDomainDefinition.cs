using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Errors;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// Translates libvirt domain XML to the engine's <see cref="GuestDefinition"/> and back. The XML read is kept, opaque, in
    /// the definition; writing applies to it only what the engine changed (identity, MAC addresses, disk files, formats,
    /// read-only marks, lineage), so every element the engine does not model reaches the next host as it was.
    /// </summary>
    internal static class LibvirtDomainDefinition
    {
        public static GuestDefinition Read(string domainXml) => Describe(Parse(domainXml), domainXml);

        /// <summary>The domain XML of <paramref name="definition"/>: the XML it was read from, with the engine's edits.</summary>
        public static string Write(GuestDefinition definition)
        {
            if (!(definition.ProviderDefinition is string originalXml))
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"The definition of '{definition.Name}' was not read from a libvirt host; libvirt can only define what it described.", definition.Name);
            var domain = Parse(originalXml);
            var before = Describe(domain, null);
            WriteIdentity(domain, before, definition);
            WriteMacAddresses(domain, before, definition);
            WriteDisks(domain, before, definition);
            WriteLineage(domain, before, definition);
            return domain.ToString();
        }

        private static GuestDefinition Describe(XElement domain, string? originalXml)
        {
            var devices = domain.Element("devices");
            var disks = (devices?.Elements("disk") ?? Enumerable.Empty<XElement>()).Select(ReadDisk);
            var macs = Interfaces(domain).Select(i => (string?)i.Element("mac")?.Attribute("address"));
            var lineage = CloneLineageXml.FromElement(domain.Element("metadata")?.Element(CloneLineageXml.ElementName));
            int.TryParse(domain.Element("vcpu")?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var vcpus);
            return new GuestDefinition(domain.Element("name")?.Value ?? "", domain.Element("uuid")?.Value ?? "", disks, macs, lineage,
                MemoryMB(domain.Element("memory")), vcpus, originalXml);
        }

        private static GuestDisk ReadDisk(XElement disk) => new GuestDisk(
            (string?)disk.Element("target")?.Attribute("dev") ?? "",
            (string?)disk.Element("source")?.Attribute("file") ?? "",
            (string?)disk.Element("driver")?.Attribute("type") ?? "raw",
            disk.Element("readonly") != null,
            (string?)disk.Attribute("device") ?? "disk",
            (string?)disk.Attribute("type") ?? "file",
            disk.Element("shareable") != null,
            // Nested, top first: each backingStore holds the one below it.
            disk.Descendants("backingStore").Select(b => (string?)b.Element("source")?.Attribute("file")).Where(f => f != null).Select(f => f!),
            disk.Element("source") != null);

        private static IEnumerable<XElement> Interfaces(XElement domain) => domain.Element("devices")?.Elements("interface") ?? Enumerable.Empty<XElement>();

        /// <summary>A new UUID or name makes another VM: ids libvirt derived from the old identity, and files that were the old VM's own, go.</summary>
        private static void WriteIdentity(XElement domain, GuestDefinition before, GuestDefinition after)
        {
            bool renamed = after.Name != before.Name;
            if (!renamed && after.Uuid == before.Uuid) return;
            SetChild(domain, "name", after.Name, first: true);
            SetChild(domain, "uuid", after.Uuid, after: "name");
            domain.Element("genid")?.Remove();
            domain.Attribute("id")?.Remove();
            // A fixed tap device name belongs to the old VM's running interface.
            foreach (var networkInterface in Interfaces(domain)) networkInterface.Element("target")?.Remove();
            if (renamed) RenameCharacterDeviceFiles(domain, before.Name, after.Name);
        }

        /// <summary>Files a character device writes (serial logs) are the VM's own; two VMs appending to one would mix.</summary>
        private static void RenameCharacterDeviceFiles(XElement domain, string oldName, string newName)
        {
            if (oldName.Length == 0) return;
            foreach (var charSource in (domain.Element("devices")?.Elements() ?? Enumerable.Empty<XElement>())
                         .Where(d => (d.Name == "serial" || d.Name == "console") && (string?)d.Attribute("type") == "file")
                         .Select(d => d.Element("source")).Where(s => s != null))
            {
                var path = (string?)charSource!.Attribute("path");
                if (path == null) continue;
                var fileName = Path.GetFileName(path);
                var renamed = fileName.Contains(oldName) ? fileName.Replace(oldName, newName) : newName + "-" + fileName;
                charSource.SetAttributeValue("path", Path.Combine(Path.GetDirectoryName(path) ?? "", renamed));
            }
        }

        private static void WriteMacAddresses(XElement domain, GuestDefinition before, GuestDefinition after)
        {
            var interfaces = Interfaces(domain).ToList();
            for (int index = 0; index < interfaces.Count && index < after.MacAddresses.Count; index++)
            {
                var address = after.MacAddresses[index];
                if (address == before.MacAddresses[index]) continue;
                var mac = interfaces[index].Element("mac");
                if (address == null)
                {
                    mac?.Remove();
                    continue;
                }
                if (mac == null) interfaces[index].AddFirst(mac = new XElement("mac"));
                mac.SetAttributeValue("address", address);
            }
        }

        private static void WriteDisks(XElement domain, GuestDefinition before, GuestDefinition after)
        {
            var elements = domain.Element("devices")?.Elements("disk").ToList() ?? new List<XElement>();
            for (int index = 0; index < elements.Count && index < after.Disks.Count; index++)
            {
                var (disk, was, now) = (elements[index], before.Disks[index], after.Disks[index]);
                bool repointed = now.Path != was.Path || now.SourceType != was.SourceType;
                if (repointed)
                {
                    // A new file is a new source: nothing the old source said about the old file carries over.
                    disk.SetAttributeValue("type", now.SourceType);
                    var source = disk.Element("source");
                    if (source == null) disk.Add(source = new XElement("source"));
                    source.RemoveAttributes();
                    source.RemoveNodes();
                    source.SetAttributeValue("file", now.Path);
                }
                // The chain below the old file is not the new file's chain; libvirt probes the new one.
                if (repointed || (now.BackingFiles.Count == 0 && was.BackingFiles.Count > 0)) disk.Elements("backingStore").Remove();
                if (now.Format != was.Format)
                {
                    var driver = disk.Element("driver");
                    if (driver == null) disk.AddFirst(driver = new XElement("driver", new XAttribute("name", "qemu")));
                    driver.SetAttributeValue("type", now.Format);
                }
                if (now.ReadOnly != was.ReadOnly)
                {
                    if (now.ReadOnly) disk.Add(new XElement("readonly"));
                    else disk.Elements("readonly").Remove();
                }
            }
        }

        private static void WriteLineage(XElement domain, GuestDefinition before, GuestDefinition after)
        {
            if (CloneLineageXml.Same(before.Lineage, after.Lineage)) return;
            var metadata = domain.Element("metadata");
            metadata?.Elements(CloneLineageXml.ElementName).Remove();
            if (!after.Lineage.IsEmpty)
            {
                if (metadata == null) SetChild(domain, "metadata", null, after: "uuid");
                domain.Element("metadata")!.Add(CloneLineageXml.ToElement(after.Lineage));
            }
            else if (metadata != null && !metadata.HasElements)
            {
                metadata.Remove();
            }
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

        private static long MemoryMB(XElement? memory)
        {
            if (memory == null || !decimal.TryParse(memory.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)) return 0;
            decimal bytesPerUnit = ((string?)memory.Attribute("unit") ?? "KiB") switch
            {
                "b" or "bytes" => 1m,
                "KB" => 1e3m,
                "k" or "KiB" => 1024m,
                "MB" => 1e6m,
                "M" or "MiB" => 1024m * 1024,
                "GB" => 1e9m,
                "G" or "GiB" => 1024m * 1024 * 1024,
                "TB" => 1e12m,
                "T" or "TiB" => 1024m * 1024 * 1024 * 1024,
                _ => 1024m,
            };
            return (long)(amount * bytesPerUnit / (1024 * 1024));
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
