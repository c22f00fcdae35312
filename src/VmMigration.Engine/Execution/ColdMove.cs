using System;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution
{
    /// <summary>
    /// Moves a shut-off VM by moving its definition: define it on the destination, then remove it from the source. A VM
    /// with disks is refused (its disk files live on the source; Copy-VMClone -Destination copies them). If removing the
    /// source definition fails, the new one is removed again, so the VM is never defined on two hosts.
    /// </summary>
    public static class ColdMove
    {
        public const string ColdMoveNeedsStorage = "ColdMoveNeedsStorage";

        public static MigrationResult Run(ConnectedHost source, ConnectedHost destination, GuestInfo guest, TimeSpan callTimeout, CancellationToken cancellationToken)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                var xml = TimeLimit.Run(() => source.Connection.GetGuestDefinitionXml(guest.Name), callTimeout, source.Name, $"the definition of '{guest.Name}'", cancellationToken);
                var disks = XDocument.Parse(xml).Root?.Element("devices")?.Elements("disk").Where(d => d.Element("source") != null).ToList();
                if (disks != null && disks.Count > 0)
                {
                    return Outcome(guest, source, destination, MigrationStatus.Skipped, ColdMoveNeedsStorage, clock,
                        $"VM '{guest.Name}' is shut off and has {disks.Count} disk(s) on '{source.Name}'; a cold move moves definitions only. Copy it with Copy-VMClone -Destination, or start it so it can move live.");
                }
                TimeLimit.Run(() => destination.Connection.DefineGuest(xml), callTimeout, destination.Name, $"the definition of '{guest.Name}'", cancellationToken);
                try
                {
                    TimeLimit.Run(() => { source.Connection.UndefineGuest(guest.Name); return true; }, callTimeout, source.Name, $"the removal of '{guest.Name}'", cancellationToken);
                }
                catch (MigrationException)
                {
                    destination.Connection.UndefineGuest(guest.Name);
                    throw;
                }
                return Outcome(guest, source, destination, MigrationStatus.Succeeded, null, clock,
                    $"VM '{guest.Name}' is shut off: its definition moved from '{source.Name}' to '{destination.Name}' (cold move).");
            }
            catch (MigrationException error)
            {
                return Outcome(guest, source, destination, MigrationStatus.Failed, error.ErrorId, clock, $"Cold move of '{guest.Name}' failed; it stays defined on '{source.Name}': {error.Message}");
            }
        }

        private static MigrationResult Outcome(GuestInfo guest, ConnectedHost source, ConnectedHost destination, MigrationStatus status, string? errorId, System.Diagnostics.Stopwatch clock, string message)
        {
            var result = UnmovedResult.Create(guest.Name, source.Name, destination.Name, status == MigrationStatus.Succeeded ? destination.Name : source.Name, status, errorId, message);
            result.Phase = status == MigrationStatus.Succeeded ? MigrationPhase.Completed : MigrationPhase.Prepare;
            result.DurationMs = clock.ElapsedMilliseconds;
            return result;
        }
    }
}
