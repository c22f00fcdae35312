using System;
using System.Threading;

namespace VmMigration.Execution.Governor
{
    /// <summary>
    /// One move as the <see cref="MigrationGovernor"/> sees it: who moves where, how fast its guest dirties memory, and
    /// (reported from the move's own thread while it runs) whether its memory is on the way and how much is left.
    /// </summary>
    public sealed class GovernedMove
    {
        private long remainingBytes;
        private int transferring;

        public GovernedMove(string vmName, string source, string destination, double dirtyRateMBps, long memoryBytes = 0)
        {
            VMName = vmName;
            Source = source;
            Destination = destination;
            DirtyRateMBps = dirtyRateMBps;
            MemoryBytes = memoryBytes;
        }

        public string VMName { get; }
        public string Source { get; }
        public string Destination { get; }
        public double DirtyRateMBps { get; }
        /// <summary>The guest's memory: the link work a move that has not started transferring still brings.</summary>
        public long MemoryBytes { get; }

        /// <summary>True once the move's first bytes were seen on the way.</summary>
        public bool Transferring => Volatile.Read(ref transferring) != 0;

        /// <summary>What the move still has to send, as its latest progress said.</summary>
        public long RemainingBytes => Interlocked.Read(ref remainingBytes);

        /// <summary>Records a progress report: what is left, and whether bytes are on the way yet.</summary>
        public void Progressed(long transferredBytes, long remaining)
        {
            Interlocked.Exchange(ref remainingBytes, Math.Max(0, remaining));
            if (transferredBytes > 0)
            {
                Volatile.Write(ref transferring, 1);
            }
        }
    }
}
