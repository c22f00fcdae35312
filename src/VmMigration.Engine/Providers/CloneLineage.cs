using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace VmMigration.Providers
{
    /// <summary>
    /// What the module records in a domain's &lt;metadata&gt; (one element under its own namespace, as libvirt keys metadata
    /// by URI): a linked clone names its parent; a parent lists the disks made read-only for its children. libvirt keeps it
    /// with the definition, so the parent -> children relation survives sessions and is visible to virsh (metadata --uri).
    /// </summary>
    public sealed class CloneLineage
    {
        // An XML namespace stored in existing VMs' libvirt metadata, not a link: changing it would orphan their lineage.
        public const string NamespaceUri = "https://vmmigration.invalid/xmlns/clone/1";
        public const string Prefix = "vmmig";
        public static readonly XName ElementName = XName.Get("clone", NamespaceUri);

        public string? ParentName { get; set; }
        public string? ParentUuid { get; set; }

        /// <summary>Target devices (vda, ...) this VM's disks were made read-only for, because linked clones are backed by them.</summary>
        public IReadOnlyList<string> ProtectedDisks { get; set; } = Array.Empty<string>();

        public bool IsEmpty => ParentUuid == null && ProtectedDisks.Count == 0;

        public XElement ToElement()
        {
            var element = new XElement(ElementName, new XAttribute(XNamespace.Xmlns + Prefix, NamespaceUri));
            if (ParentName != null) element.Add(new XAttribute("parent", ParentName));
            if (ParentUuid != null) element.Add(new XAttribute("parentUuid", ParentUuid));
            if (ProtectedDisks.Count > 0) element.Add(new XAttribute("protectedDisks", string.Join(" ", ProtectedDisks)));
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
    }
}
