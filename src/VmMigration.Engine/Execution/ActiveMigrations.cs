using System.Collections.Concurrent;
using VmMigration.Errors;

namespace VmMigration.Execution
{
    /// <summary>VMs this process is migrating now, by UUID, so a second move of the same VM is refused at once.</summary>
    public static class ActiveMigrations
    {
        private static readonly ConcurrentDictionary<string, byte> Active = new ConcurrentDictionary<string, byte>(System.StringComparer.OrdinalIgnoreCase);

        public static bool TryEnter(string uuid) => Active.TryAdd(uuid, 0);

        public static void Leave(string uuid) => Active.TryRemove(uuid, out _);

        public static bool IsActive(string uuid) => Active.ContainsKey(uuid);

        public static MigrationException AlreadyRunning(string name) => new MigrationException(ErrorIds.MigrationInProgress, ErrorKind.ResourceBusy,
            $"VM '{name}' is already being migrated (a hypervisor job is running on it). Wait for that move to finish; it was not disturbed.", name);
    }
}
