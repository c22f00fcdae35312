using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Serialization;
using VmMigration.Errors;
using VmMigration.Execution.Cold;
using VmMigration.State;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>
    /// The record of one host evacuation, written before and after every change (crash-safe: temp file, flush, rename),
    /// so a run killed at any moment can be resumed. It holds names, hosts and outcomes only: never credentials.
    /// </summary>
    public sealed class EvacuationJournal
    {
        private readonly object gate = new object();

        public string HostName { get; set; } = "";
        public string HostUuid { get; set; } = "";
        public DateTime StartedAt { get; set; }
        public DateTime? EndedAt { get; set; }
        public List<EvacuationJournalEntry> Entries { get; set; } = new List<EvacuationJournalEntry>();

        [JsonIgnore]
        public string Path { get; private set; } = "";

        public static EvacuationJournal Create(string path, string hostName, string hostUuid)
        {
            var journal = new EvacuationJournal { Path = path, HostName = hostName, HostUuid = hostUuid, StartedAt = DateTime.UtcNow };
            journal.Save();
            return journal;
        }

        /// <summary>
        /// The journal of this host's evacuation: the existing one when a run already wrote it (so running again is
        /// idempotent and keeps what earlier runs moved, for failback), a new one otherwise.
        /// </summary>
        public static EvacuationJournal OpenOrCreate(string path, string hostName, string hostUuid)
        {
            if (!File.Exists(path))
            {
                return Create(path, hostName, hostUuid);
            }
            var journal = Load(path);
            if (!string.Equals(journal.HostUuid, hostUuid, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(journal.HostUuid))
            {
                throw new MigrationException(ErrorIds.InvalidStateFile, ErrorKind.InvalidArgument,
                    $"The journal '{path}' belongs to host '{journal.HostName}' ({journal.HostUuid}), not '{hostName}'. Give another -JournalPath.", path);
            }
            journal.EndedAt = null;
            journal.Save();
            return journal;
        }

        /// <summary>
        /// Where a host's evacuation journal is kept unless the user says otherwise: evacuations/&lt;host&gt;.json in the state
        /// directory, or in <paramref name="directory"/> (a rolling maintenance keeps its hosts' journals beside its own).
        /// </summary>
        public static string DefaultPath(string hostName, string? directory = null) =>
            System.IO.Path.Combine(directory ?? StateDirectory.Path, "evacuations", $"{string.Join("_", hostName.Split(System.IO.Path.GetInvalidFileNameChars()))}.json");

        /// <summary>Sets the journal aside once its host left maintenance, so the next evacuation starts a fresh one.</summary>
        public static void Archive(string path)
        {
            if (File.Exists(path))
            {
                File.Move(path, $"{path}.{DateTime.UtcNow:yyyyMMddTHHmmssZ}.done");
            }
        }

        public static EvacuationJournal Load(string path)
        {
            var journal = JsonStateFile.Read<EvacuationJournal>(path, "evacuation journal", "there is nothing to resume. Run Invoke-HostEvacuation without -Resume.");
            journal.Path = path;
            return journal;
        }

        public EvacuationJournalEntry? Find(string uuid)
        {
            lock (gate)
            {
                return Entries.FirstOrDefault(e => string.Equals(e.Uuid, uuid, StringComparison.OrdinalIgnoreCase));
            }
        }

        /// <summary>Adds or updates one VM's entry and writes the journal to disk before returning.</summary>
        public void Record(EvacuationJournalEntry entry)
        {
            lock (gate)
            {
                var index = Entries.FindIndex(e => string.Equals(e.Uuid, entry.Uuid, StringComparison.OrdinalIgnoreCase));
                if (index >= 0)
                {
                    Entries[index] = entry;
                }
                else
                {
                    Entries.Add(entry);
                }
                Save();
            }
        }

        public void Close()
        {
            lock (gate)
            {
                EndedAt = DateTime.UtcNow;
                Save();
            }
        }

        private void Save() => JsonStateFile.Write(Path, this);
    }

    /// <summary>One VM in an evacuation: where it was going and what became of it.</summary>
    public sealed class EvacuationJournalEntry
    {
        public string VMName { get; set; } = "";
        public string Uuid { get; set; } = "";
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public EvacuationStepState State { get; set; }
        public DateTime? StartedAt { get; set; }
        public DateTime? EndedAt { get; set; }
        public string? ErrorId { get; set; }
        public string? Message { get; set; }
        /// <summary>For a cold move in flight: its disks' copies, journaled before the first is made (see <see cref="ColdMove.SettleInterrupted"/>).</summary>
        public List<ColdCopy>? ColdCopies { get; set; }

        public EvacuationJournalEntry With(EvacuationStepState state, string? errorId = null, string? message = null)
        {
            var copy = (EvacuationJournalEntry)MemberwiseClone();
            copy.State = state;
            copy.ErrorId = errorId;
            copy.Message = message;
            if (state != EvacuationStepState.InFlight)
            {
                copy.ColdCopies = null;
            }
            if (state == EvacuationStepState.InFlight)
            {
                copy.StartedAt = DateTime.UtcNow;
            }
            else if (state != EvacuationStepState.Pending)
            {
                copy.EndedAt = DateTime.UtcNow;
            }
            return copy;
        }
    }

    public enum EvacuationStepState
    {
        Pending,
        InFlight,
        Succeeded,
        Failed,
        Skipped,
        NotStarted,
    }
}
