using System.Collections.Generic;

namespace VmMigration.Execution.Clone
{
    /// <summary>The clone made, and what it cost: how long a running source's disk switch took and what was copied.</summary>
    public sealed class CloneOutcome
    {
        public MigrationVM VM { get; set; } = new MigrationVM();
        public string StoragePool { get; set; } = "";
        public IReadOnlyList<string> DiskPaths { get; set; } = new List<string>();
        /// <summary>Bytes of disk data copied (holes excluded; 0 for a linked clone).</summary>
        public long CopiedBytes { get; set; }
        public long DurationMs { get; set; }
        /// <summary>
        /// How long switching a running source's disks onto overlays took (temporary ones for a full clone, for good for a
        /// linked clone); QEMU pauses the guest within it, so this bounds the pause. Null when the source was not running.
        /// </summary>
        public long? SourcePausedMs { get; set; }
        /// <summary>The overlays a running parent of a linked clone runs on from now on (its old files are the clone's base); empty otherwise.</summary>
        public IReadOnlyList<string> ParentOverlayPaths { get; set; } = new List<string>();
    }
}
