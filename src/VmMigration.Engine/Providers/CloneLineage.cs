using System;
using System.Collections.Generic;

namespace VmMigration.Providers
{
    /// <summary>
    /// What the module records with a guest's definition about clones: a linked clone names its parent; a parent lists the
    /// disks made read-only for its children. The host keeps it with the definition (libvirt: in its metadata, see
    /// Providers/Libvirt/CloneLineageXml), so the parent -> children relation survives sessions.
    /// </summary>
    public sealed class CloneLineage
    {
        public string? ParentName { get; set; }
        public string? ParentUuid { get; set; }

        /// <summary>Target devices (vda, ...) this VM's disks were made read-only for, because linked clones are backed by them.</summary>
        public IReadOnlyList<string> ProtectedDisks { get; set; } = Array.Empty<string>();

        public bool IsEmpty => ParentUuid == null && ProtectedDisks.Count == 0;
    }
}
