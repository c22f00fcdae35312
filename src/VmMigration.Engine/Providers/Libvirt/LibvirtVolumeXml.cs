using System.Globalization;
using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>The libvirt volume XML (virStorageVolCreateXML, virStorageVolCreateXMLFrom) of a <see cref="StorageVolumeSpec"/>.</summary>
    internal static class LibvirtVolumeXml
    {
        public static string From(StorageVolumeSpec spec)
        {
            var volume = new XElement("volume",
                new XElement("name", spec.Name),
                new XElement("capacity", new XAttribute("unit", "bytes"), spec.CapacityBytes.ToString(CultureInfo.InvariantCulture)));
            if (spec.AllocationBytes != null)
                volume.Add(new XElement("allocation", new XAttribute("unit", "bytes"), spec.AllocationBytes.Value.ToString(CultureInfo.InvariantCulture)));
            var target = new XElement("target", new XElement("format", new XAttribute("type", spec.Format)));
            // libvirt writes qcow2 v2 (compat 0.10) unless told: no lazy refcounts, no zero clusters, slower.
            if (spec.Format == "qcow2") target.Add(new XElement("compat", "1.1"));
            volume.Add(target);
            if (spec.BackingPath != null)
            {
                var backing = new XElement("backingStore", new XElement("path", spec.BackingPath));
                if (spec.BackingFormat != null) backing.Add(new XElement("format", new XAttribute("type", spec.BackingFormat)));
                volume.Add(backing);
            }
            return volume.ToString();
        }
    }
}
