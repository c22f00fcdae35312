using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace VmMigration.Execution
{
    /// <summary>The file disks of a domain definition, and pointing them at a clone's copies (a move's copies: Providers.DomainDiskXml).</summary>
    public static class DomainDiskFiles
    {
        /// <summary>The disk elements backed by a file (device "disk", type "file", with a source file), in document order.</summary>
        internal static IEnumerable<XElement> Elements(XElement domain) =>
            (domain.Element("devices")?.Elements("disk") ?? Enumerable.Empty<XElement>())
                .Where(d => ((string?)d.Attribute("device") ?? "disk") == "disk" && ((string?)d.Attribute("type") ?? "file") == "file"
                            && d.Element("source")?.Attribute("file") != null);

        /// <summary>Points <paramref name="disk"/> at its new file when <paramref name="diskFiles"/> has its file; false when it has not.</summary>
        internal static bool Repoint(XElement disk, IReadOnlyDictionary<string, string> diskFiles)
        {
            var source = disk.Element("source");
            var file = (string?)source?.Attribute("file");
            if (file == null || !diskFiles.TryGetValue(file, out var newFile)) return false;
            source!.SetAttributeValue("file", newFile);
            // The chain below the old file is not the new file's chain; libvirt probes the new one.
            disk.Elements("backingStore").Remove();
            return true;
        }
    }
}
