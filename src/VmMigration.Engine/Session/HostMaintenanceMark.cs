using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.State;

namespace VmMigration.Session
{
    /// <summary>
    /// A host's maintenance mark as the host itself keeps it (<see cref="HostLease.Maintenance"/>, no expiry), beside the
    /// runner's own record (State.MaintenanceStore, which also keeps the journal): every runner that reaches the host
    /// sees it in maintenance and places nothing there, whichever machine marked it.
    /// </summary>
    public static class HostMaintenanceMark
    {
        /// <summary>Puts the host in maintenance: in the runner's record and on the host.</summary>
        public static MaintenanceMark Enter(MaintenanceStore store, ConnectedHost host, string hostUuid, string reason, string? journalPath)
        {
            var mark = store.Enter(hostUuid, host.Name, reason, journalPath);
            Set(host, $"{reason} of {host.Name}");
            return mark;
        }

        /// <summary>Takes the host out of maintenance: the runner's record and the host's mark; returns the runner's record, if it had one.</summary>
        public static MaintenanceMark? Leave(MaintenanceStore store, ConnectedHost host, string hostUuid)
        {
            var mark = store.Leave(hostUuid, host.Name);
            Clear(host);
            return mark;
        }

        /// <summary>Marks the host; a mark already there (made by anyone) is kept as it is.</summary>
        private static void Set(ConnectedHost host, string purpose)
        {
            host.Connection.TryTakeLease(HostLease.ForThisProcess(HostLease.Maintenance, purpose, DateTime.UtcNow, expiresAt: null));
        }

        /// <summary>Clears the host's mark, whoever made it (leaving maintenance is the administrator's decision); false when it had none.</summary>
        public static bool Clear(ConnectedHost host)
        {
            var mark = Find(host.Connection.ListLeases());
            if (mark == null) return false;
            host.Connection.ReleaseLease(mark.Name, mark.Id);
            return true;
        }

        /// <summary>The host's mark among its leases; null when it is not in maintenance.</summary>
        public static HostLease? Find(IEnumerable<HostLease> leases) => leases.FirstOrDefault(l => l.Name == HostLease.Maintenance);

        /// <summary>The run lease that holds the host now, whoever's; null when none (or it lapsed).</summary>
        public static HostLease? CurrentRun(IEnumerable<HostLease> leases, DateTime now) =>
            leases.FirstOrDefault(l => l.Name == HostLease.Run && !l.IsExpired(now));

        /// <summary>The host's leases, or none when they cannot be read (a hypervisor without them): the host's other answers still count.</summary>
        public static IReadOnlyList<HostLease> TryList(IHostConnection connection)
        {
            try
            {
                return connection.ListLeases();
            }
            catch (MigrationException error) when (!HostCallGate.DidNotAnswer(error))
            {
                return Array.Empty<HostLease>();
            }
        }
    }
}
