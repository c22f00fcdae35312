using VmMigration.Providers;

namespace VmMigration.Execution.Storage
{
    /// <summary>A planned volume that passed <see cref="DiskPlacementCheck"/>: its target pool as the target host describes it, and where the new volume will be.</summary>
    public sealed class VolumePlacement
    {
        public VolumePlacement(PlannedVolume planned, StoragePoolInfo pool, string? targetPath)
        {
            Planned = planned;
            Pool = pool;
            TargetPath = targetPath;
        }

        public PlannedVolume Planned { get; }
        public StoragePoolInfo Pool { get; }
        /// <summary>The pool's directory and the volume's name; null for a pool without a directory.</summary>
        public string? TargetPath { get; }
    }
}
