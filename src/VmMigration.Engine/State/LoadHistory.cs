using System;
using System.Collections.Generic;
using VmMigration.Planning;

namespace VmMigration.State
{
    /// <summary>The windows kept, by VM name and by host name.</summary>
    public sealed class LoadHistory
    {
        public Dictionary<string, List<LoadWindow>> VMs { get; set; } = new Dictionary<string, List<LoadWindow>>(StringComparer.Ordinal);
        public Dictionary<string, List<LoadWindow>> Hosts { get; set; } = new Dictionary<string, List<LoadWindow>>(StringComparer.Ordinal);
    }
}
