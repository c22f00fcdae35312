using System;
using System.Collections.Generic;

namespace VmMigration.Lab
{
    /// <summary>A lab as persisted in &lt;Path&gt;/lab.json.</summary>
    public sealed class LabInfo
    {
        public string Path { get; set; } = "";

        /// <summary>"kvm" when /dev/kvm opened read-write at Start, otherwise "tcg".</summary>
        public string Accelerator { get; set; } = "";

        public DateTime CreatedUtc { get; set; }
        public List<LabHostInfo> Hosts { get; set; } = new List<LabHostInfo>();
    }
}
