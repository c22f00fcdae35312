using System.Text.Json.Serialization;

namespace VmMigration.Lab
{
    /// <summary>One lab host: a libvirtd in its own mount and UTS namespace. Persisted in lab.json.</summary>
    public sealed class LabHostInfo
    {
        public string Name { get; set; } = "";
        public int Index { get; set; }
        public string Uri { get; set; } = "";
        public string SocketPath { get; set; } = "";

        /// <summary>The host's state root: etc, run, lib, log and cache live under it.</summary>
        public string Directory { get; set; } = "";

        public int Pid { get; set; }

        /// <summary>Field 22 of /proc/&lt;pid&gt;/stat at launch: a recycled pid has another value, so it is never signalled.</summary>
        public ulong ProcessStartTicks { get; set; }

        public string HostUuid { get; set; } = "";
        public int MigrationPortMin { get; set; }
        public int MigrationPortMax { get; set; }
        public int DisplayPortMin { get; set; }
        public int DisplayPortMax { get; set; }

        /// <summary>The migration URI to pass per call; the destination picks a port in its own range.</summary>
        public string MigrationAddress { get; set; } = LabDefaults.MigrationAddress;

        /// <summary>
        /// The host's own loopback address (127.0.0.N+1 for labN), where it can also be reached for migration, as a host is
        /// on its migration network: Move-VMLive -MigrationAddress. Its migration certificate names it.
        /// </summary>
        public string OwnAddress { get; set; } = "";

        /// <summary>Whether the daemon was alive (same pid and start time) when this object was produced; not persisted.</summary>
        [JsonIgnore]
        public bool IsRunning { get; set; }
    }
}
