using System.Xml.Linq;

namespace VmMigration.Lab
{
    /// <summary>
    /// The directory pool each lab host owns, &lt;lab&gt;/labN/pool. Defined, started and marked autostart when the lab joins
    /// a session (a restarted host brings it back itself); Stop-MigrationLab removes it with the host's directory.
    /// </summary>
    internal static class LabStoragePool
    {
        public static string Xml(LabHostPaths paths) =>
            new XElement("pool", new XAttribute("type", "dir"),
                new XElement("name", LabDefaults.StoragePoolName),
                new XElement("target", new XElement("path", paths.Pool))).ToString();
    }
}
