using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using VmMigration.Execution.Evacuation;
using VmMigration.State;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>
    /// The record of a whole rolling maintenance: each host's state and phase, written before every phase and after every
    /// change (crash-safe, see <see cref="JsonStateFile"/>), so that a run killed at any point continues with -Resume from
    /// the phase it was in. Each host's drain keeps its own evacuation journal beside it. Names, hosts, sizes and outcomes
    /// only: never credentials.
    /// </summary>
    public sealed class RollingMaintenanceJournal
    {
        private const string What = "rolling maintenance journal";
        private readonly object gate = new object();

        public DateTime StartedAt { get; set; }
        /// <summary>Set when the run ended (every host finished, or the run stopped starting hosts); null while it is unfinished.</summary>
        public DateTime? EndedAt { get; set; }
        public MaintenanceHostOrder HostOrder { get; set; }
        public MaintenanceFailback Failback { get; set; }
        /// <summary>Where a stopped run stopped, for people; the hosts' entries say it for -Resume.</summary>
        public string? StoppedAt { get; set; }
        /// <summary>Every host of the run, in the order it is done.</summary>
        public List<RollingMaintenanceHostEntry> Hosts { get; set; } = new List<RollingMaintenanceHostEntry>();

        [JsonIgnore]
        public string Path { get; private set; } = "";

        /// <summary>The journal of a run over these hosts unless the user names one: rolling/&lt;hosts&gt;.json in the state directory.</summary>
        public static string DefaultPath(IEnumerable<string> hostNames)
        {
            var names = string.Join("_", hostNames.Select(n => n.ToLowerInvariant()).Distinct().OrderBy(n => n, StringComparer.Ordinal));
            var safe = string.Join("_", names.Split(System.IO.Path.GetInvalidFileNameChars()));
            if (safe.Length > 80)
            {
                // Many hosts: a name of bounded length that is still the same for the same hosts.
                using (var sha = SHA256.Create())
                {
                    safe = safe.Substring(0, 40) + "-" + BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(names))).Replace("-", "").Substring(0, 16).ToLowerInvariant();
                }
            }
            return System.IO.Path.Combine(StateDirectory.Path, "rolling", safe + ".json");
        }

        /// <summary>Where the drain of <paramref name="hostName"/> in this run keeps its evacuation journal.</summary>
        public string EvacuationJournalPath(string hostName) =>
            EvacuationJournal.DefaultPath(hostName, System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, System.IO.Path.GetFileNameWithoutExtension(Path)));

        public static RollingMaintenanceJournal Create(string path, MaintenanceHostOrder order, MaintenanceFailback failback, IEnumerable<string> hostNames)
        {
            var journal = new RollingMaintenanceJournal
            {
                Path = path,
                StartedAt = DateTime.UtcNow,
                HostOrder = order,
                Failback = failback,
                Hosts = hostNames.Select(n => new RollingMaintenanceHostEntry { HostName = n }).ToList(),
            };
            journal.Save();
            return journal;
        }

        public static RollingMaintenanceJournal Load(string path)
        {
            var journal = JsonStateFile.Read<RollingMaintenanceJournal>(path, What, "there is nothing to resume. Run Invoke-RollingMaintenance without -Resume.");
            journal.Path = path;
            return journal;
        }

        /// <summary>
        /// Sets an ended run's journal aside, so that the next run starts afresh. The hosts' evacuation journals stay: each
        /// is set aside when its host leaves maintenance, and a host that failed still needs its own (for its failback).
        /// </summary>
        public static void Archive(string path)
        {
            if (File.Exists(path))
            {
                File.Move(path, $"{path}.{DateTime.UtcNow:yyyyMMddTHHmmssZ}.done");
            }
        }

        public RollingMaintenanceHostEntry? Find(string hostName)
        {
            lock (gate)
            {
                return Hosts.FirstOrDefault(h => string.Equals(h.HostName, hostName, StringComparison.OrdinalIgnoreCase));
            }
        }

        /// <summary>Puts the hosts in this order (a resumed run may choose a new one for the hosts not finished).</summary>
        public void Reorder(IEnumerable<string> hostNames)
        {
            lock (gate)
            {
                var order = hostNames.ToList();
                Hosts = Hosts.OrderBy(h => { var i = order.FindIndex(n => string.Equals(n, h.HostName, StringComparison.OrdinalIgnoreCase)); return i < 0 ? int.MaxValue : i; }).ToList();
                Save();
            }
        }

        /// <summary>Writes the journal after a change to an entry (entries are changed in place by the one thread that runs the host).</summary>
        public void Record(RollingMaintenanceHostEntry entry)
        {
            lock (gate)
            {
                entry.UpdatedAt = DateTime.UtcNow;
                Save();
            }
        }

        public void Reopen()
        {
            lock (gate)
            {
                EndedAt = null;
                StoppedAt = null;
                Save();
            }
        }

        /// <summary>The run ended, or (with <paramref name="stoppedAt"/>) stopped where it says: -Resume goes on from there.</summary>
        public void Close(string? stoppedAt)
        {
            lock (gate)
            {
                StoppedAt = stoppedAt;
                EndedAt = stoppedAt == null ? DateTime.UtcNow : (DateTime?)null;
                Save();
            }
        }

        private void Save() => JsonStateFile.Write(Path, this);
    }

    /// <summary>One host of a rolling maintenance: where its turn is, what it was before, what moved and what its scripts said.</summary>
    public sealed class RollingMaintenanceHostEntry
    {
        public string HostName { get; set; } = "";
        /// <summary>The URI it was connected with (a password in it masked), to reach it again after a reboot in another session.</summary>
        public string? HostUri { get; set; }
        public string? HostUuid { get; set; }
        public MaintenanceHostState State { get; set; }
        /// <summary>The phase it is in (or failed in); a resumed run runs this phase again.</summary>
        public MaintenancePhase Phase { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? UpdatedAt { get; set; }
        public DateTime? EndedAt { get; set; }

        // What it was before its turn, for the health check.
        public int CpuCount { get; set; }
        public long MemoryMB { get; set; }
        public string? LibvirtVersion { get; set; }
        public string? HypervisorVersion { get; set; }

        /// <summary>The VMs that ran on it when its drain began.</summary>
        public List<MaintenanceVM>? VMs { get; set; }
        /// <summary>The UUIDs of the VMs its drain moved away.</summary>
        public List<string> MovedUuids { get; set; } = new List<string>();
        /// <summary>The names of the VMs moved back onto it.</summary>
        public List<string> FailedBackVMs { get; set; } = new List<string>();
        public long TransferredBytes { get; set; }
        public List<string> ScriptOutput { get; set; } = new List<string>();
        public List<string> ScriptErrors { get; set; } = new List<string>();
        public string? ErrorId { get; set; }
        public string? Message { get; set; }
        public bool InMaintenance { get; set; }

        [JsonIgnore]
        public bool Finished => State == MaintenanceHostState.Succeeded || State == MaintenanceHostState.Failed || State == MaintenanceHostState.Skipped;
    }

    /// <summary>A VM that ran on a host when its drain began.</summary>
    public sealed class MaintenanceVM
    {
        public string Name { get; set; } = "";
        public string Uuid { get; set; } = "";
        public long MemoryMB { get; set; }
        /// <summary>An earlier drain of this run moved it here: evacuate-then-failback would not have moved it for this host.</summary>
        public bool MovedBefore { get; set; }
    }

    public enum MaintenanceHostState
    {
        Pending,
        InProgress,
        Succeeded,
        Failed,
        Skipped,
        /// <summary>Not started by a run that stopped first; -Resume starts it.</summary>
        NotStarted,
    }
}
