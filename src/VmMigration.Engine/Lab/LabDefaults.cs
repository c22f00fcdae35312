namespace VmMigration.Lab
{
    /// <summary>The lab's fixed choices, in one place.</summary>
    public static class LabDefaults
    {
        public const string Path = "/var/lib/vmmigration/lab";
        public const int HostCount = 3;
        public const int MaxHostCount = 16;
        public const string HostNamePrefix = "lab";
        public const string StateFileName = "lab.json";
        public const string QemuEmulator = "/usr/bin/qemu-system-x86_64";

        /// <summary>The lab only ever listens and migrates on loopback.</summary>
        public const string MigrationAddress = "tcp://127.0.0.1";

        /// <summary>Host i owns ports PortBase + PortBlock*i .. +PortBlock-1: the first half for migration, the second for displays.</summary>
        public const int PortBase = 49200;
        public const int PortBlock = 40;

        /// <summary>Each lab host's directory storage pool, where lab guests' disks and their clones live.</summary>
        public const string StoragePoolName = "lab";

        public const int StartTimeoutSeconds = 20;
        public const int StopTimeoutSeconds = 10;
    }
}
