using System;
using System.Diagnostics;
using System.Threading;

namespace VmMigration.Tests.Fakes
{
    /// <summary>Waits for what a host does after it answers again (a late call's undo, queued clean-ups): true once it holds, false at the deadline.</summary>
    public static class Eventually
    {
        public static bool Holds(Func<bool> condition, double withinSeconds = 5)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed.TotalSeconds > withinSeconds) return false;
                Thread.Sleep(20);
            }
            return true;
        }
    }
}
