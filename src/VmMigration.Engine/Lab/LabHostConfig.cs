using System;
using System.Globalization;
using System.Text;

namespace VmMigration.Lab
{
    /// <summary>The configuration files and port ranges that make several libvirtd instances coexist on one machine.</summary>
    public static class LabHostConfig
    {
        /// <summary>How many labs' port ranges fit between PortBase and the last port.</summary>
        public static int PortSlotCount => (65535 - LabDefaults.PortBase) / (LabDefaults.PortBlock * (LabDefaults.MaxHostCount + 1));

        /// <summary>
        /// Labs at different paths on one machine (a developer's and a test run's) must not share migration ports, or
        /// QEMU on one fails with "Address already in use": each path gets its own slot of port ranges (a stable hash).
        /// </summary>
        public static int PortSlot(string labPath)
        {
            uint hash = 2166136261;
            foreach (char c in labPath)
            {
                hash = unchecked((hash ^ c) * 16777619);
            }
            return (int)(hash % (uint)PortSlotCount);
        }

        public static (int Min, int Max) MigrationPorts(int hostIndex, int slot = 0)
        {
            int start = SlotBase(slot) + LabDefaults.PortBlock * hostIndex;
            return (start, start + LabDefaults.PortBlock / 2 - 1);
        }

        public static (int Min, int Max) DisplayPorts(int hostIndex, int slot = 0)
        {
            int start = SlotBase(slot) + LabDefaults.PortBlock * hostIndex + LabDefaults.PortBlock / 2;
            return (start, start + LabDefaults.PortBlock / 2 - 1);
        }

        private static int SlotBase(int slot) => LabDefaults.PortBase + slot * LabDefaults.PortBlock * (LabDefaults.MaxHostCount + 1);

        /// <summary>A random UUID libvirt accepts as host_uuid (it rejects all-same-digit ones such as 1111...).</summary>
        public static string NewHostUuid()
        {
            while (true)
            {
                string uuid = Guid.NewGuid().ToString("D");
                if (IsAcceptableHostUuid(uuid)) return uuid;
            }
        }

        public static bool IsAcceptableHostUuid(string uuid)
        {
            if (!Guid.TryParseExact(uuid, "D", out _)) return false;
            string hex = uuid.Replace("-", "");
            return hex.Trim(hex[0]).Length != 0;
        }

        public static string LibvirtdConf(string hostUuid)
        {
            if (!IsAcceptableHostUuid(hostUuid))
                throw new ArgumentException("not a usable host UUID: " + hostUuid, nameof(hostUuid));
            // No TCP or TLS listener: clients and peers reach this host through its unix socket only.
            return new StringBuilder()
                .AppendLine("# Written by VmMigration's lab at every Start; edits are lost.")
                .AppendLine("host_uuid = \"" + hostUuid + "\"")
                .AppendLine("listen_tcp = 0")
                .AppendLine("listen_tls = 0")
                .AppendLine("unix_sock_group = \"root\"")
                .AppendLine("unix_sock_ro_perms = \"0700\"")
                .AppendLine("unix_sock_rw_perms = \"0700\"")
                .AppendLine("unix_sock_admin_perms = \"0700\"")
                .AppendLine("auth_unix_ro = \"none\"")
                .AppendLine("auth_unix_rw = \"none\"")
                .AppendLine("log_outputs = \"3:stderr\"")
                .ToString();
        }

        /// <summary>
        /// The /etc/hosts a lab host sees: the machine's own lines, then every lab host name on loopback. A destination
        /// libvirtd names itself (lab2) in the migration URI it hands the source, so without this only a process that
        /// knows to give tcp://127.0.0.1 could migrate, and a runbook in another process failed with "Unable to resolve
        /// address 'lab2'". With it, a lab host resolves like a real host, for every client (ours, virsh, a second process).
        /// </summary>
        public static string HostsFile(string machineHosts)
        {
            var text = new StringBuilder();
            text.AppendLine("# Written by VmMigration's lab at every Start: the machine's /etc/hosts, then the lab's host names.");
            if (!string.IsNullOrEmpty(machineHosts)) text.Append(machineHosts.TrimEnd('\n')).Append('\n');
            // One line per name: a name's canonical form is the first name of its line, and libvirt names its host by it.
            for (int index = 1; index <= LabDefaults.MaxHostCount; index++)
                text.Append("127.0.0.1 ").Append(LabDefaults.HostNamePrefix).Append(index.ToString(CultureInfo.InvariantCulture)).Append('\n');
            return text.ToString();
        }

        /// <param name="migrationTlsDirectory">the host's certificates for TLS migration (both peers verify each other's)</param>
        public static string QemuConf((int Min, int Max) migration, (int Min, int Max) display, string migrationTlsDirectory)
        {
            // migration_address/migration_host stay unset: libvirtd refuses loopback there; the URI is given per call.
            return new StringBuilder()
                .AppendLine("# Written by VmMigration's lab at every Start; edits are lost.")
                .AppendLine("security_driver = \"none\"")
                .AppendLine("user = \"root\"")
                .AppendLine("group = \"root\"")
                .AppendLine("dynamic_ownership = 0")
                .AppendLine("cgroup_controllers = [ ]")
                .AppendLine("stdio_handler = \"file\"")
                .AppendLine(string.Format(CultureInfo.InvariantCulture, "migration_port_min = {0}", migration.Min))
                .AppendLine(string.Format(CultureInfo.InvariantCulture, "migration_port_max = {0}", migration.Max))
                .AppendLine(string.Format(CultureInfo.InvariantCulture, "remote_display_port_min = {0}", display.Min))
                .AppendLine(string.Format(CultureInfo.InvariantCulture, "remote_display_port_max = {0}", display.Max))
                .AppendLine("migrate_tls_x509_cert_dir = \"" + migrationTlsDirectory + "\"")
                .AppendLine("migrate_tls_x509_verify = 1")
                .ToString();
        }
    }
}
