namespace VmMigration.Lab
{
    /// <summary>Where host labN keeps its state; the five directories are bind-mounted over libvirt's own inside its namespace.</summary>
    internal sealed class LabHostPaths
    {
        public LabHostPaths(string labPath, int index)
        {
            LabPath = labPath;
            Index = index;
            Name = LabDefaults.HostNamePrefix + index;
            Root = System.IO.Path.Combine(labPath, Name);
        }

        public string LabPath { get; }
        public int Index { get; }

        public string Name { get; }
        public string Root { get; }
        public string Etc => Root + "/etc";
        public string Run => Root + "/run";
        public string Lib => Root + "/lib";
        public string Log => Root + "/log";
        public string Cache => Root + "/cache";
        public string Socket => Run + "/libvirt-sock";
        public string PidFile => Run + "/libvirtd.pid";
        public string DaemonConfig => Etc + "/libvirtd.conf";
        public string QemuConfig => Etc + "/qemu.conf";
        public string DaemonLog => Log + "/libvirtd.stdout";

        /// <summary>Bind-mounted over /etc/hosts in the host's namespace (outside etc/, which is /etc/libvirt there).</summary>
        public string HostsFile => Root + "/hosts";

        /// <summary>The host's migration certificates (QEMU's migrate_tls_x509_cert_dir; outside the bind mounts, so one path everywhere).</summary>
        public string MigrationTls => Root + "/pki/migration";

        /// <summary>The host's own directory storage pool (outside the bind mounts: the same path inside and outside its namespace).</summary>
        public string Pool => Root + "/pool";

        /// <summary>libvirt's QEMU driver keeps a pid file per running guest here (it is /run/libvirt/qemu in the namespace).</summary>
        public string QemuPidDirectory => Run + "/qemu";

        /// <summary>Each state directory and the system directory it stands in for, in mount order.</summary>
        public static readonly (string Name, string MountPoint)[] BindMounts =
        {
            ("etc", "/etc/libvirt"),
            ("run", "/run/libvirt"),
            ("lib", "/var/lib/libvirt"),
            ("log", "/var/log/libvirt"),
            ("cache", "/var/cache/libvirt"),
        };

        public string Uri => "qemu+unix:///system?socket=" + Socket;
    }
}
