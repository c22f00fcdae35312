using System.Xml.Linq;

namespace VmMigration.Providers
{
    /// <summary>
    /// The lineage a linked clone carries in its domain's &lt;metadata&gt;: its parent's name and UUID. libvirt keeps it with
    /// the definition, so the parent -> children relation survives sessions and is visible to virsh (metadata --uri).
    /// </summary>
    public static class CloneLineage
    {
        public const string NamespaceUri = "https://vmmigration.invalid/xmlns/clone/1";
        public const string Prefix = "vmmig";
        public const string ElementName = "clone";

        public static XElement Build(string parentName, string parentUuid) =>
            new XElement(XName.Get(ElementName, NamespaceUri),
                new XAttribute(XNamespace.Xmlns + Prefix, NamespaceUri),
                new XAttribute("parent", parentName),
                new XAttribute("parentUuid", parentUuid));

        /// <summary>Parent name and UUID from the metadata element (as virDomainGetMetadata returns it), or nulls.</summary>
        public static (string? ParentName, string? ParentUuid) Parse(string? metadataXml)
        {
            if (string.IsNullOrWhiteSpace(metadataXml)) return (null, null);
            try
            {
                var element = XElement.Parse(metadataXml);
                return ((string?)element.Attribute("parent"), (string?)element.Attribute("parentUuid"));
            }
            catch (System.Xml.XmlException)
            {
                return (null, null); // someone else's content under our URI: not a lineage we can trust
            }
        }
    }
}
