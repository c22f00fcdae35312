using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>The libvirt pool XML (virStoragePoolDefineXML) of a <see cref="StoragePoolSpec"/>: a directory pool.</summary>
    internal static class LibvirtPoolXml
    {
        public static string From(StoragePoolSpec spec) =>
            new XElement("pool", new XAttribute("type", "dir"),
                new XElement("name", spec.Name),
                new XElement("target", new XElement("path", spec.Directory))).ToString();
    }
}
