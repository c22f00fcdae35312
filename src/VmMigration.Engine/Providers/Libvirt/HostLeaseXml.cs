using System;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// A host lease as a libvirt secret: libvirt refuses a second secret with the same usage, so defining one is taking
    /// the lease atomically on the host's daemon, and redefining it under its own UUID renews it. The secret holds no
    /// value; the lease (holder, purpose, times) is JSON in its description. It is persistent (ephemeral='no'), so a
    /// maintenance mark survives a restart of the daemon or the host. Usage type 'tls' is the one whose usage id is a
    /// free name; nothing in libvirt uses a secret that no configuration names.
    /// </summary>
    internal static class HostLeaseXml
    {
        private const string UsagePrefix = "vmmigration-lease/";
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

        public static string UsageId(string leaseName) => UsagePrefix + leaseName;

        public static string ToXml(HostLease lease)
        {
            var description = JsonSerializer.Serialize(new Payload
            {
                Holder = lease.Holder, Machine = lease.Machine, ProcessId = lease.ProcessId, Purpose = lease.Purpose, Since = lease.Since, ExpiresAt = lease.ExpiresAt,
            }, Json);
            return new XElement("secret", new XAttribute("ephemeral", "no"), new XAttribute("private", "no"),
                new XElement("uuid", lease.Id),
                new XElement("description", description),
                new XElement("usage", new XAttribute("type", "tls"), new XElement("name", UsageId(lease.Name)))).ToString(SaveOptions.DisableFormatting);
        }

        /// <summary>The lease a secret's XML describes; null when the secret is not one of ours.</summary>
        public static HostLease? Parse(string? secretXml)
        {
            if (string.IsNullOrEmpty(secretXml)) return null;
            XElement root;
            try
            {
                root = XDocument.Parse(secretXml).Root ?? throw new XmlException("no root element");
            }
            catch (XmlException)
            {
                return null;
            }
            var usage = root.Element("usage")?.Element("name")?.Value;
            if (usage == null || !usage.StartsWith(UsagePrefix, StringComparison.Ordinal)) return null;
            var lease = new HostLease { Name = usage.Substring(UsagePrefix.Length), Id = root.Element("uuid")?.Value ?? "" };
            try
            {
                var payload = JsonSerializer.Deserialize<Payload>(root.Element("description")?.Value ?? "", Json);
                if (payload != null)
                {
                    lease.Holder = payload.Holder ?? "";
                    lease.Machine = payload.Machine ?? "";
                    lease.ProcessId = payload.ProcessId;
                    lease.Purpose = payload.Purpose ?? "";
                    lease.Since = payload.Since;
                    lease.ExpiresAt = payload.ExpiresAt;
                }
            }
            catch (JsonException)
            {
                // Someone wrote the description by hand: the lease still holds its name, by an unknown holder.
                lease.Holder = "(unknown)";
            }
            return lease;
        }

        private sealed class Payload
        {
            public string? Holder { get; set; }
            public string? Machine { get; set; }
            public int ProcessId { get; set; }
            public string? Purpose { get; set; }
            public DateTime Since { get; set; }
            public DateTime? ExpiresAt { get; set; }
        }
    }
}
