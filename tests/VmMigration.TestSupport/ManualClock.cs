using System;
using System.Threading;
using VmMigration.Session;

namespace VmMigration.Tests
{
    /// <summary>A clock that moves only when told to, or by exactly as long as the code under test waits.</summary>
    public sealed class ManualClock : Clock
    {
        private long ticks;

        public ManualClock(DateTime startUtc)
        {
            ticks = startUtc.Ticks;
        }

        public override DateTime UtcNow => new DateTime(Interlocked.Read(ref ticks), DateTimeKind.Utc);

        public override void Wait(TimeSpan period, CancellationToken cancellationToken) => Advance(period);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}
