using System;

namespace VmMigration.Lab
{
    public sealed class LabOptions
    {
        public int HostCount { get; set; } = LabDefaults.HostCount;
        public string Path { get; set; } = LabDefaults.Path;

        /// <summary>How long each libvirtd gets to open its socket.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(LabDefaults.StartTimeoutSeconds);
    }
}
