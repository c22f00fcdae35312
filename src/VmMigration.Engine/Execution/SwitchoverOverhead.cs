using System;
using System.Collections.Concurrent;

namespace VmMigration.Execution
{
    /// <summary>
    /// The part of a migration's downtime that QEMU's downtime limit does not govern: device state, the hypervisors'
    /// handshake to resume the guest on the destination. It is learnt per host pair from completed moves (the measured
    /// downtime minus the limit in force) and subtracted from the next move's limit, so -MaxDowntimeMs bounds the pause
    /// the guest really sees, not just QEMU's estimate of the last memory copy.
    /// </summary>
    public static class SwitchoverOverhead
    {
        private static readonly ConcurrentDictionary<string, long> Learnt = new ConcurrentDictionary<string, long>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The least downtime limit handed to QEMU, however large the learnt overhead.</summary>
        public const long MinimumLimitMs = 10;

        public static long For(string source, string destination) => Learnt.TryGetValue(Key(source, destination), out var ms) ? ms : 0;

        /// <summary>Records a completed move; the estimate moves halfway towards each new observation.</summary>
        public static void Observe(string source, string destination, long measuredDowntimeMs, long limitMs)
        {
            var observed = Math.Max(0, measuredDowntimeMs - limitMs);
            Learnt.AddOrUpdate(Key(source, destination), observed, (_, previous) => (previous + observed) / 2);
        }

        /// <summary>The limit to give QEMU so that, with the overhead, the pause stays within <paramref name="maxDowntimeMs"/>.</summary>
        public static long LimitFor(string source, string destination, long maxDowntimeMs) =>
            Math.Max(MinimumLimitMs, maxDowntimeMs - For(source, destination));

        internal static void Forget() => Learnt.Clear();

        private static string Key(string source, string destination) => source + "\u2192" + destination;
    }
}
