using System.Globalization;
using System.Xml.Linq;

namespace VmMigration.Execution
{
    /// <summary>The libvirt volume XML for each way a clone's disk is made.</summary>
    public static class StorageVolumeXml
    {
        /// <summary>A volume of that format and size: new and empty, or (with virStorageVolCreateXMLFrom) a copy of another.</summary>
        public static string CopyOf(string name, string format, long capacityBytes) =>
            Volume(name, capacityBytes, null, format).ToString();

        /// <summary>
        /// The receiving end of a stream from another host: a raw, fully sparse file as long as the source's file, so the
        /// stream's holes read as zeros and its bytes land where they were (the file then holds the source's format as is).
        /// </summary>
        public static string StreamTarget(string name, long fileLengthBytes) =>
            Volume(name, fileLengthBytes, 0, "raw").ToString();

        /// <summary>A qcow2 overlay whose unwritten clusters read from <paramref name="backingPath"/>.</summary>
        public static string Overlay(string name, long capacityBytes, string backingPath, string backingFormat)
        {
            var volume = Volume(name, capacityBytes, 0, "qcow2");
            volume.Add(new XElement("backingStore",
                new XElement("path", backingPath),
                new XElement("format", new XAttribute("type", backingFormat))));
            return volume.ToString();
        }

        private static XElement Volume(string name, long capacityBytes, long? allocationBytes, string format)
        {
            var volume = new XElement("volume",
                new XElement("name", name),
                new XElement("capacity", new XAttribute("unit", "bytes"), capacityBytes.ToString(CultureInfo.InvariantCulture)));
            if (allocationBytes != null)
                volume.Add(new XElement("allocation", new XAttribute("unit", "bytes"), allocationBytes.Value.ToString(CultureInfo.InvariantCulture)));
            var target = new XElement("target", new XElement("format", new XAttribute("type", format)));
            // libvirt writes qcow2 v2 (compat 0.10) unless told: no lazy refcounts, no zero clusters, slower.
            if (format == "qcow2") target.Add(new XElement("compat", "1.1"));
            volume.Add(target);
            return volume;
        }
    }
}
