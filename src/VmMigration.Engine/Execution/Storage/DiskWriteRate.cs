using System;
using System.Collections.Generic;
using System.Diagnostics;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Execution.Storage
{
    /// <summary>How fast the guest writes to each of some disks, from the hypervisor's I/O counters, over a second or more.</summary>
    public sealed class DiskWriteRate
    {
        private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
        private readonly IHostConnection host;
        private readonly string name;
        private readonly IReadOnlyList<string> targets;
        private readonly Dictionary<string, long> lastBytes = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Dictionary<string, long> rates = new Dictionary<string, long>(StringComparer.Ordinal);
        private readonly Stopwatch sinceLast = new Stopwatch();

        public DiskWriteRate(IHostConnection host, string name, IReadOnlyList<string> targets)
        {
            this.host = host;
            this.name = name;
            this.targets = targets;
            Read(lastBytes);
            sinceLast.Start();
        }

        /// <summary>Bytes per second per disk target, refreshed at most once per second (the last known rates in between).</summary>
        public IReadOnlyDictionary<string, long> Sample()
        {
            if (sinceLast.Elapsed < Window) return rates;
            var now = new Dictionary<string, long>(StringComparer.Ordinal);
            Read(now);
            var seconds = sinceLast.Elapsed.TotalSeconds;
            sinceLast.Restart();
            foreach (var pair in now)
            {
                if (lastBytes.TryGetValue(pair.Key, out var before)) rates[pair.Key] = (long)(Math.Max(0, pair.Value - before) / seconds);
                lastBytes[pair.Key] = pair.Value;
            }
            return rates;
        }

        private void Read(Dictionary<string, long> into)
        {
            foreach (var target in targets)
            {
                try
                {
                    into[target] = host.GetDiskWrittenBytes(name, target);
                }
                catch (MigrationException)
                {
                    // Statistics are for the progress display only; a failed read never fails the move.
                }
            }
        }
    }
}
