using System;
using System.Collections.Generic;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>A storage move on the VM's own host: which disks go into which pool, in which format, within which limits.</summary>
    public sealed class StorageMigrationRequest
    {
        public StorageMigrationRequest(LocatedVM vm, string destinationStoragePool)
        {
            VM = vm;
            DestinationStoragePool = destinationStoragePool;
        }

        public LocatedVM VM { get; }
        public string DestinationStoragePool { get; }
        /// <summary>The disks (target devices) to move; empty moves every writable file disk.</summary>
        public IReadOnlyCollection<string> Disks { get; set; } = Array.Empty<string>();
        /// <summary>qcow2 or raw to convert; null keeps each disk's format.</summary>
        public string? DiskFormat { get; set; }
        /// <summary>Copy rate limit per disk; 0 means unlimited.</summary>
        public long BandwidthMBps { get; set; }
        /// <summary>The copies must be in sync within this, or they are cancelled and the VM keeps its original disks.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
        /// <summary>How long a switch onto a copy may wait for the copy to be in sync.</summary>
        public TimeSpan SwitchTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }
}
