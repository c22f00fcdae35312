using System;
using System.Linq;
using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// A <see cref="CloneLineage"/> as one element of a domain's &lt;metadata&gt; under our own namespace (libvirt keys metadata
    /// by URI), visible to virsh (metadata --uri).
    /// </summary>
    internal static class CloneLineageXml
    {
        // An XML namespace stored in existing VMs' libvirt metadata, not a link: changing it would orphan their lineage.
        public const string NamespaceUri = "https://vmmigration.invalid/xmlns/clone/1";
        public const string Prefix = "vmmig";
        public static readonly XName ElementName = XName.Get("clone", NamespaceUri);

        public static XElement ToElement(CloneLineage lineage)
        {
            var element = new XElement(ElementName, new XAttribute(XNamespace.Xmlns + Prefix, NamespaceUri));
            if (lineage.ParentName != null) element.Add(new XAttribute("parent", lineage.ParentName));
            if (lineage.ParentUuid != null) element.Add(new XAttribute("parentUuid", lineage.ParentUuid));
            if (lineage.ProtectedDisks.Count > 0) element.Add(new XAttribute("protectedDisks", string.Join(" ", lineage.ProtectedDisks)));
            return element;
        }

        /// <summary>Reads the element as virDomainGetMetadata returns it; empty for null or foreign content.</summary>
        public static CloneLineage Parse(string? metadataXml)
        {
            if (string.IsNullOrWhiteSpace(metadataXml)) return new CloneLineage();
            try
            {
                return FromElement(XElement.Parse(metadataXml));
            }
            catch (System.Xml.XmlException)
            {
                return new CloneLineage(); // someone else's content under our URI: not a lineage we can trust
            }
        }

        public static CloneLineage FromElement(XElement? element)
        {
            if (element == null) return new CloneLineage();
            var disks = ((string?)element.Attribute("protectedDisks") ?? "").Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return new CloneLineage
            {
                ParentName = (string?)element.Attribute("parent"),
                ParentUuid = (string?)element.Attribute("parentUuid"),
                ProtectedDisks = disks.ToList(),
            };
        }

        /// <summary>Whether the two would be written as the same element.</summary>
        public static bool Same(CloneLineage a, CloneLineage b) =>
            a.ParentName == b.ParentName && a.ParentUuid == b.ParentUuid && a.ProtectedDisks.SequenceEqual(b.ProtectedDisks);
    }
}
