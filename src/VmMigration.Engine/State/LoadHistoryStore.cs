using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VmMigration.Planning;

namespace VmMigration.State
{
    /// <summary>
    /// The CPU load windows earlier planning runs measured, per VM and per host, kept in the state directory under a lock
    /// so that every process on this machine adds to the same history. It is a cache: a missing, unreadable or corrupt file
    /// counts as no history (the run plans from its own window, as a first run does) and is rewritten.
    /// </summary>
    public sealed class LoadHistoryStore
    {
        public const string FileName = "load-history.json";
        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true };

        public LoadHistoryStore(string path)
        {
            Path = path;
        }

        public static LoadHistoryStore Default => new LoadHistoryStore(System.IO.Path.Combine(StateDirectory.Path, FileName));

        public string Path { get; }

        /// <summary>
        /// Adds one window (each VM's and host's CPU use over it, ending at <paramref name="end"/>) and returns the history
        /// kept after it, by VM and by host name, the new window included.
        /// </summary>
        public LoadHistory Record(DateTime end, double seconds, IReadOnlyDictionary<string, double> vmCpuPercent, IReadOnlyDictionary<string, double> hostCpuPercent)
        {
            using (FileLock.Acquire(Path, LockTimeout))
            {
                var history = Read();
                Add(history.VMs, end, seconds, vmCpuPercent);
                Add(history.Hosts, end, seconds, hostCpuPercent);
                Prune(history.VMs, end);
                Prune(history.Hosts, end);
                try
                {
                    AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(history, Json));
                }
                catch (Exception error) when (error is IOException || error is UnauthorizedAccessException)
                {
                    // Planning goes on from what is known; the next run writes again.
                }
                return history;
            }
        }

        public LoadHistory Read()
        {
            try
            {
                if (!File.Exists(Path)) return new LoadHistory();
                var history = JsonSerializer.Deserialize<LoadHistory>(File.ReadAllText(Path), Json) ?? new LoadHistory();
                history.VMs ??= new Dictionary<string, List<LoadWindow>>();
                history.Hosts ??= new Dictionary<string, List<LoadWindow>>();
                return history;
            }
            catch (Exception error) when (error is JsonException || error is IOException || error is UnauthorizedAccessException)
            {
                return new LoadHistory();
            }
        }

        private static void Add(Dictionary<string, List<LoadWindow>> series, DateTime end, double seconds, IReadOnlyDictionary<string, double> figures)
        {
            foreach (var figure in figures)
            {
                if (!series.TryGetValue(figure.Key, out var windows) || windows == null) series[figure.Key] = windows = new List<LoadWindow>();
                windows.Add(new LoadWindow { End = end, Seconds = seconds, CpuPercent = Math.Round(figure.Value, 3) });
            }
        }

        private static void Prune(Dictionary<string, List<LoadWindow>> series, DateTime now)
        {
            foreach (var name in series.Keys.ToList())
            {
                var kept = LoadSmoothing.Keep(series[name]?.Where(w => w != null) ?? Enumerable.Empty<LoadWindow>(), now);
                if (kept.Count == 0) series.Remove(name);
                else series[name] = kept;
            }
        }
    }
}
