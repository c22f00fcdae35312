using System;
using System.Globalization;
using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// A <see cref="BalanceRecord"/> as one element of a domain's &lt;metadata&gt; under our own namespace (libvirt keys
    /// metadata by URI), readable with <c>virsh metadata DOMAIN --uri https://vmmigration.invalid/xmlns/balance/1</c>.
    /// </summary>
    internal static class BalanceRecordXml
    {
        // An XML namespace stored in VMs' libvirt metadata, not a link: changing it would make every record unreadable.
        public const string NamespaceUri = "https://vmmigration.invalid/xmlns/balance/1";
        public const string Prefix = "vmbal";
        public const string ElementName = "balanced";

        /// <summary>
        /// The element as virDomainSetMetadata takes it: in no namespace, since libvirt puts it under the prefix and URI it is
        /// given and refuses one that declares them itself ("failed to create a new XML namespace").
        /// </summary>
        public static string ToXml(BalanceRecord record) =>
            new XElement(ElementName,
                new XAttribute("movedAt", record.MovedAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture)),
                new XAttribute("source", record.Source),
                new XAttribute("destination", record.Destination),
                new XAttribute("runner", record.Runner)).ToString(SaveOptions.DisableFormatting);

        /// <summary>The record in the element virDomainGetMetadata returned; null for none, or for content under our URI that is not a record.</summary>
        public static BalanceRecord? Parse(string? xml)
        {
            if (string.IsNullOrWhiteSpace(xml)) return null;
            try
            {
                var element = XElement.Parse(xml);
                if (!DateTime.TryParse((string?)element.Attribute("movedAt"), CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var movedAt))
                    return null;
                return new BalanceRecord
                {
                    MovedAt = DateTime.SpecifyKind(movedAt, DateTimeKind.Utc),
                    Source = (string?)element.Attribute("source") ?? "",
                    Destination = (string?)element.Attribute("destination") ?? "",
                    Runner = (string?)element.Attribute("runner") ?? "",
                };
            }
            catch (System.Xml.XmlException)
            {
                return null; // someone else's content under our URI: no record we can trust
            }
        }
    }
}
