using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using VmMigration.Errors;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// The part of a migration's downtime that QEMU's downtime limit does not govern: device state, the hypervisors'
    /// handshake to resume the guest on the destination. It is learnt per host pair from completed moves (the measured
    /// downtime minus the limit in force) and subtracted from the next move's limit, so -MaxDowntimeMs bounds the pause
    /// the guest really sees, not just QEMU's estimate of the last memory copy.
    /// </summary>
    /// <remarks>
    /// What is learnt is kept in the state directory, so a new PowerShell process starts from what earlier ones learnt
    /// instead of from nothing (its first move of a pair was over the limit every time). Hosts are known by their connection URI without its user part: the migration job has the
    /// URI at hand (the host UUID would cost a call to each host), it survives renaming a host in the session, and a lab
    /// restarted at the same path keeps its URIs. The file is a cache: missing, unreadable or corrupt, it is treated as empty
    /// and rewritten at the next observation; it never fails a migration.
    /// A pair never seen before borrows the largest overhead learnt for any pair that shares one of its hosts (the reverse
    /// direction included): the overhead comes from the hosts' QEMU and libvirt (TCG or KVM, their speed), so a host's other
    /// pairs are the best evidence there is, and guessing high only lowers QEMU's limit (a slower convergence) while
    /// guessing low breaks the user's limit. Pairs of hosts never seen at all start with none: an overhead learnt on
    /// unrelated hardware says nothing about them.
    /// </remarks>
    public sealed class SwitchoverOverhead
    {
        public const string FileName = "switchover-overhead.json";

        /// <summary>The least downtime limit handed to QEMU, however large the learnt overhead.</summary>
        public const long MinimumLimitMs = 10;

        // An observation arrives after a completed move; it may wait this long for another process's write, no longer.
        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(1);
        // Relaxed escaping keeps the URIs readable in the file (qemu+ssh, not qemu\u002Bssh); it is never embedded in HTML.
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private static readonly Regex UserPart = new Regex(@"^([a-z][a-z0-9+.\-]*://)[^/?#@]*@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Lazy<SwitchoverOverhead> SharedInstance =
            new Lazy<SwitchoverOverhead>(() => new SwitchoverOverhead(System.IO.Path.Combine(StateDirectory.Path, FileName)));

        private readonly object gate = new object();
        private Dictionary<string, PairOverhead>? learnt;

        public SwitchoverOverhead(string path)
        {
            Path = path;
        }

        /// <summary>The process's instance, kept in the state directory.</summary>
        public static SwitchoverOverhead Shared => SharedInstance.Value;

        public string Path { get; }

        /// <summary>The overhead to budget for a move from <paramref name="source"/> to <paramref name="destination"/>, learnt or borrowed.</summary>
        public long For(ConnectedHost source, ConnectedHost destination)
        {
            string from = Identity(source), to = Identity(destination);
            lock (gate)
            {
                var known = Load();
                if (known.TryGetValue(Key(from, to), out var pair))
                {
                    return pair.OverheadMs;
                }
                return known.Values
                    .Where(p => SameHost(p.Source, from) || SameHost(p.Source, to) || SameHost(p.Destination, from) || SameHost(p.Destination, to))
                    .Select(p => p.OverheadMs)
                    .DefaultIfEmpty(0)
                    .Max();
            }
        }

        /// <summary>The limit to give QEMU so that, with the overhead, the pause stays within <paramref name="maxDowntimeMs"/>.</summary>
        public long LimitFor(ConnectedHost source, ConnectedHost destination, long maxDowntimeMs) =>
            Math.Max(MinimumLimitMs, maxDowntimeMs - For(source, destination));

        /// <summary>
        /// Records a completed move; the estimate rises to a larger observation at once and moves halfway down towards a smaller one. Other processes' observations
        /// written since this one loaded are taken in first, so none is lost.
        /// </summary>
        public void Observe(ConnectedHost source, ConnectedHost destination, long measuredDowntimeMs, long limitMs)
        {
            string from = Identity(source), to = Identity(destination);
            var observed = Math.Max(0, measuredDowntimeMs - limitMs);
            lock (gate)
            {
                var known = Load();
                FileLock? fileLock = null;
                try
                {
                    fileLock = FileLock.Acquire(Path, LockTimeout);
                    foreach (var pair in Read())
                    {
                        known[Key(pair.Source, pair.Destination)] = pair;
                    }
                }
                catch (Exception error) when (IsStateFileTrouble(error))
                {
                    // Learn in this process only.
                }

                try
                {
                    var key = Key(from, to);
                    // Up at once, down halfway: under-budgeting breaks the user's limit, over-budgeting only slows convergence.
                    var estimate = known.TryGetValue(key, out var previous) && previous.OverheadMs > observed ? (previous.OverheadMs + observed) / 2 : observed;
                    known[key] = new PairOverhead { Source = from, Destination = to, OverheadMs = estimate, ObservedAt = DateTime.UtcNow };
                    if (fileLock != null)
                    {
                        AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(known.Values.OrderBy(p => p.Source).ThenBy(p => p.Destination).ToList(), Json));
                    }
                }
                catch (Exception error) when (IsStateFileTrouble(error))
                {
                    // The next observation writes again.
                }
                finally
                {
                    fileLock?.Dispose();
                }
            }
        }

        /// <summary>How a host is known across processes: its URI as shown without a user part, or its name when it has no URI.</summary>
        internal static string Identity(ConnectedHost host) =>
            string.IsNullOrEmpty(host.Uri.Display) ? host.Name : UserPart.Replace(host.Uri.Display, "$1");

        private Dictionary<string, PairOverhead> Load()
        {
            if (learnt == null)
            {
                learnt = new Dictionary<string, PairOverhead>(StringComparer.OrdinalIgnoreCase);
                foreach (var pair in Read())
                {
                    learnt[Key(pair.Source, pair.Destination)] = pair;
                }
            }
            return learnt;
        }

        private List<PairOverhead> Read()
        {
            try
            {
                if (!File.Exists(Path))
                {
                    return new List<PairOverhead>();
                }
                var pairs = JsonSerializer.Deserialize<List<PairOverhead>>(File.ReadAllText(Path)) ?? new List<PairOverhead>();
                return pairs.Where(p => p != null && !string.IsNullOrEmpty(p.Source) && !string.IsNullOrEmpty(p.Destination) && p.OverheadMs >= 0).ToList();
            }
            catch (Exception error) when (error is JsonException || IsStateFileTrouble(error))
            {
                return new List<PairOverhead>();
            }
        }

        private static bool IsStateFileTrouble(Exception error) =>
            error is IOException || error is UnauthorizedAccessException || error is NotSupportedException || error is MigrationException;

        private static bool SameHost(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

        private static string Key(string source, string destination) => source + "\u2192" + destination;

        /// <summary>One host pair's learnt overhead, as kept in the state file.</summary>
        internal sealed class PairOverhead
        {
            public string Source { get; set; } = "";
            public string Destination { get; set; } = "";
            public long OverheadMs { get; set; }
            public DateTime ObservedAt { get; set; }
        }
    }
}
