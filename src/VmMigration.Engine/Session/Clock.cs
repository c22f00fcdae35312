using System;
using System.Threading;

namespace VmMigration.Session
{
    /// <summary>
    /// The time a balance run reads and waits on: when its load window starts and ends, when a VM was moved, whether its
    /// cooldown has passed. The system clock in use; tests pass one that they move on, so ten runs a quarter of an hour
    /// apart take no time.
    /// </summary>
    public class Clock
    {
        public static readonly Clock System = new Clock();

        public virtual DateTime UtcNow => DateTime.UtcNow;

        /// <summary>Waits <paramref name="period"/>, or less when cancelled.</summary>
        public virtual void Wait(TimeSpan period, CancellationToken cancellationToken) => cancellationToken.WaitHandle.WaitOne(period);
    }
}
