using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using VmMigration.Errors;

namespace VmMigration.State
{
    /// <summary>
    /// Which hosts are in maintenance, kept in a file every session and process reads, keyed by the host's UUID so a
    /// host renamed or reached by another URI is still recognised. The planner places nothing on such hosts.
    /// </summary>
    public sealed class MaintenanceStore
    {
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions { WriteIndented = true };
        private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

        public MaintenanceStore(string path)
        {
            Path = path;
        }

        public static MaintenanceStore Default => new MaintenanceStore(System.IO.Path.Combine(StateDirectory.Path, "maintenance.json"));

        public string Path { get; }

        public IReadOnlyList<MaintenanceMark> List()
        {
            using (FileLock.Acquire(Path, LockTimeout))
            {
                return Read();
            }
        }

        public MaintenanceMark? Find(string hostUuid, string hostName) =>
            List().FirstOrDefault(m => Matches(m, hostUuid, hostName));

        /// <summary>Marks a host; marking one already marked keeps its original time and journal.</summary>
        public MaintenanceMark Enter(string hostUuid, string hostName, string reason, string? journalPath)
        {
            using (FileLock.Acquire(Path, LockTimeout))
            {
                var marks = Read();
                var existing = marks.FirstOrDefault(m => Matches(m, hostUuid, hostName));
                if (existing != null)
                {
                    if (journalPath != null)
                    {
                        existing.JournalPath = journalPath;
                        Write(marks);
                    }
                    return existing;
                }
                var mark = new MaintenanceMark { HostUuid = hostUuid, HostName = hostName, Since = DateTime.UtcNow, Reason = reason, JournalPath = journalPath };
                marks.Add(mark);
                Write(marks);
                return mark;
            }
        }

        /// <summary>Clears the mark; returns what it was, or null when the host was not in maintenance.</summary>
        public MaintenanceMark? Leave(string hostUuid, string hostName)
        {
            using (FileLock.Acquire(Path, LockTimeout))
            {
                var marks = Read();
                var existing = marks.FirstOrDefault(m => Matches(m, hostUuid, hostName));
                if (existing != null)
                {
                    marks.Remove(existing);
                    Write(marks);
                }
                return existing;
            }
        }

        private static bool Matches(MaintenanceMark mark, string hostUuid, string hostName) =>
            !string.IsNullOrEmpty(hostUuid) && !string.IsNullOrEmpty(mark.HostUuid)
                ? string.Equals(mark.HostUuid, hostUuid, StringComparison.OrdinalIgnoreCase)
                : string.Equals(mark.HostName, hostName, StringComparison.OrdinalIgnoreCase);

        private List<MaintenanceMark> Read()
        {
            if (!File.Exists(Path))
            {
                return new List<MaintenanceMark>();
            }
            try
            {
                return JsonSerializer.Deserialize<List<MaintenanceMark>>(File.ReadAllText(Path)) ?? new List<MaintenanceMark>();
            }
            catch (JsonException error)
            {
                throw new MigrationException(ErrorIds.InvalidStateFile, ErrorKind.InvalidData,
                    $"The maintenance state file '{Path}' is not valid JSON (line {error.LineNumber + 1}): {error.Message} Fix or remove it.", Path, error);
            }
        }

        private void Write(List<MaintenanceMark> marks) => AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(marks, Json));
    }

    /// <summary>One host in maintenance: since when, why, and the journal of the evacuation that emptied it.</summary>
    public sealed class MaintenanceMark
    {
        public string HostUuid { get; set; } = "";
        public string HostName { get; set; } = "";
        public DateTime Since { get; set; }
        public string Reason { get; set; } = "";
        public string? JournalPath { get; set; }
    }
}
