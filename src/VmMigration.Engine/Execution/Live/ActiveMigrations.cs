using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// VMs this process is migrating now, by UUID, so a second move of the same VM is refused at once, and so that
    /// Get-MigrationJob can say which of the jobs it finds on the hosts this process holds.
    /// </summary>
    public static class ActiveMigrations
    {
        private static readonly ConcurrentDictionary<string, ActiveMigration> Active = new ConcurrentDictionary<string, ActiveMigration>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Enters a move with what it is: the VM, where from and where to, and whether it moves disks only.</summary>
        public static bool TryEnter(string uuid, string vmName, ConnectedHost source, ConnectedHost destination, bool storageOnly) =>
            Active.TryAdd(uuid, new ActiveMigration(uuid, vmName, source, destination, storageOnly, DateTime.UtcNow));

        public static void Leave(string uuid) => Active.TryRemove(uuid, out _);

        public static bool IsActive(string uuid) => Active.ContainsKey(uuid);

        /// <summary>The move of that VM this process runs now, or null.</summary>
        public static ActiveMigration? Find(string uuid) => Active.TryGetValue(uuid, out var active) ? active : null;

        /// <summary>Every move this process runs now.</summary>
        public static IReadOnlyList<ActiveMigration> List() => Active.Values.ToList();

        public static MigrationException AlreadyRunning(string name) => new MigrationException(ErrorIds.MigrationInProgress, ErrorKind.ResourceBusy,
            $"VM '{name}' is already being migrated (a hypervisor job is running on it). Wait for that move to finish; it was not disturbed.", name);
    }

    /// <summary>One move this process runs: what <see cref="ActiveMigrations"/> knows of it.</summary>
    public sealed class ActiveMigration
    {
        public ActiveMigration(string uuid, string vmName, ConnectedHost source, ConnectedHost destination, bool storageOnly, DateTime startedAt)
        {
            Uuid = uuid;
            VMName = vmName;
            Source = source;
            Destination = destination;
            StorageOnly = storageOnly;
            StartedAt = startedAt;
        }

        public string Uuid { get; }
        public string VMName { get; }
        /// <summary>The host itself, not its name: a name means another host in another registry (tests make many).</summary>
        public ConnectedHost Source { get; }
        /// <summary>The destination host; the VM's own host for a move of its disks into another pool.</summary>
        public ConnectedHost Destination { get; }
        public bool StorageOnly { get; }
        public DateTime StartedAt { get; }
    }
}
