using VmMigration.Session;

namespace VmMigration.Execution.Clone
{
    /// <summary>What Copy-VMClone was asked for.</summary>
    public sealed class CloneRequest
    {
        public CloneRequest(LocatedVM source, string name)
        {
            Source = source;
            Name = name;
        }

        public LocatedVM Source { get; }
        public string Name { get; }

        /// <summary>The host the clone lands on; null for the source's host.</summary>
        public ConnectedHost? Destination { get; set; }

        /// <summary>The pool for the clone's disks; null for the pool of the same name as the source disk's.</summary>
        public string? StoragePool { get; set; }

        public bool Linked { get; set; }
        public bool Start { get; set; }
    }
}
