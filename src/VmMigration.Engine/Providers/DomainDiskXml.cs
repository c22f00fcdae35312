using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace VmMigration.Providers
{
    /// <summary>Rewrites a domain definition so that the disks of a storage move point at their new files.</summary>
    public static class DomainDiskXml
    {
        /// <summary>
        /// Each placed disk gets its new file and format; its old backing chain is dropped, because a moved disk is a full
        /// copy that stands alone. Disks not placed are left as they are.
        /// </summary>
        public static string Relocate(string domainXml, IEnumerable<DiskPlacement> placements)
        {
            var byTarget = placements.ToDictionary(p => p.Target, StringComparer.Ordinal);
            var domain = XDocument.Parse(domainXml);
            var disks = domain.Root?.Element("devices")?.Elements("disk") ?? Enumerable.Empty<XElement>();
            foreach (var disk in disks)
            {
                var target = (string?)disk.Element("target")?.Attribute("dev");
                if (target == null || !byTarget.TryGetValue(target, out var placement)) continue;
                disk.SetAttributeValue("type", "file");
                var source = disk.Element("source");
                if (source == null)
                {
                    source = new XElement("source");
                    disk.Add(source);
                }
                source.RemoveAttributes();
                source.RemoveNodes();
                source.SetAttributeValue("file", placement.Path);
                var driver = disk.Element("driver");
                if (driver == null)
                {
                    driver = new XElement("driver", new XAttribute("name", "qemu"));
                    disk.AddFirst(driver);
                }
                driver.SetAttributeValue("type", placement.Format);
                disk.Element("backingStore")?.Remove();
                byTarget.Remove(target);
            }
            if (byTarget.Count > 0)
                throw new ArgumentException($"The definition has no disk {string.Join(", ", byTarget.Keys)}.", nameof(placements));
            return domain.Root!.ToString();
        }
    }
}
