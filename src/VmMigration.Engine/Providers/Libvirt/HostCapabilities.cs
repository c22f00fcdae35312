using System.Xml.Linq;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Reads the host UUID and CPU model from libvirt's capabilities XML (&lt;capabilities&gt;&lt;host&gt;...).</summary>
    internal static class HostCapabilities
    {
        public static (string HostUuid, string CpuModel) Parse(string capabilitiesXml)
        {
            var host = XDocument.Parse(capabilitiesXml).Root?.Element("host");
            var uuid = host?.Element("uuid")?.Value.Trim() ?? "";
            var cpu = host?.Element("cpu");
            var model = cpu?.Element("model")?.Value.Trim();
            if (string.IsNullOrEmpty(model)) model = cpu?.Element("arch")?.Value.Trim() ?? "";
            return (uuid, model!);
        }
    }
}
