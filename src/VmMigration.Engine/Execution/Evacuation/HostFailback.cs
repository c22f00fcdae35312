using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>
    /// After maintenance: moves back the VMs that the host's last evacuation moved away, one at a time, where they still
    /// run on the host the evacuation sent them to, still fit, and the rules allow them back. Others are Skipped with why.
    /// Holds the cluster's hosts for the failback (<see cref="RunHold"/>) unless it runs inside a run that holds them.
    /// </summary>
    public sealed class HostFailback
    {
        private readonly HostRegistry registry;
        private readonly Inventory inventory;

        public HostFailback(HostRegistry registry, Inventory inventory)
        {
            this.registry = registry;
            this.inventory = inventory;
        }

        /// <param name="hold">the hold of the run this failback is part of; null takes one for the failback, waiting up to
        /// <paramref name="waitForHolds"/> while another run holds hosts (<paramref name="onWaiting"/> hears why)</param>
        public IEnumerable<MigrationResult> Run(ConnectedHost host, string journalPath, ClusterRules? rules, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken,
            MigrationEncryption encryption = MigrationEncryption.Auto, RunHold? hold = null, TimeSpan waitForHolds = default, Action<string>? onWaiting = null)
        {
            if (!File.Exists(journalPath))
            {
                yield break;
            }
            var journal = EvacuationJournal.Load(journalPath);
            using var ownHold = hold == null ? RunHold.Take(registry, registry.Hosts, $"Resume-MigrationHost -Failback of {host.Name}", waitForHolds, onWaiting, cancellationToken) : null;
            var held = hold ?? ownHold!;
            // Only what left this host comes back: VMs of other hosts that moved to make room were never on it.
            foreach (var entry in journal.Entries.Where(e => e.State == EvacuationStepState.Succeeded && string.Equals(e.Source, journal.HostName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(e => e.VMName, StringComparer.Ordinal))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                if (held.LostReason is string lost)
                {
                    yield return Skipped(entry, host.Name, ErrorIds.RunLeaseLost, $"Not moved back: {lost} Run the failback again once the other run is done.");
                    continue;
                }
                var refusal = WhyNot(entry, host, rules, cancellationToken, out var located);
                if (located != null && string.Equals(located.Host.Name, host.Name, StringComparison.OrdinalIgnoreCase))
                {
                    // Moved back by an earlier failback of this journal (one that was killed, then run again): nothing to do.
                    yield return Skipped(entry, host.Name, null, $"VM '{entry.VMName}' already runs on '{host.Name}': an earlier failback moved it back.");
                    continue;
                }
                if (refusal != null)
                {
                    yield return Skipped(entry, host.Name, refusal.ErrorId, refusal.Message);
                    continue;
                }
                var request = new LiveMigrationRequest(located!, host) { Encryption = encryption };
                yield return new LiveMigrationJob(request, progress, TimeSpan.FromMilliseconds(250)).Run(cancellationToken);
            }
        }

        private MigrationException? WhyNot(EvacuationJournalEntry entry, ConnectedHost host, ClusterRules? rules, CancellationToken cancellationToken, out LocatedVM? located)
        {
            located = null;
            try
            {
                located = inventory.Locate(entry.Uuid, entry.Destination, cancellationToken);
            }
            catch (MigrationException error)
            {
                return error;
            }
            if (!string.Equals(located.Host.Name, entry.Destination, StringComparison.OrdinalIgnoreCase))
            {
                return new MigrationException(ErrorIds.VmMovedOn, ErrorKind.InvalidOperation,
                    $"VM '{entry.VMName}' has moved on since the evacuation (it runs on '{located.Host.Name}', not '{entry.Destination}'); it is left there.", entry.VMName);
            }
            var barred = rules?.Rules.FirstOrDefault(r => r.VMs.Contains(entry.VMName) &&
                ((r.Kind == PlacementRuleKind.MustNotRunOn && r.Hosts.Contains(host.Name)) ||
                 (r.Kind == PlacementRuleKind.MustRunOn && !r.Hosts.Contains(host.Name))));
            if (barred != null)
            {
                return new MigrationException(ErrorIds.RuleConflict, ErrorKind.InvalidOperation,
                    $"Rule '{barred.Name}' ({barred.Kind}) does not allow VM '{entry.VMName}' on '{host.Name}'.", entry.VMName);
            }
            var reasons = MigrationPreflight.Check(new LiveMigrationRequest(located, host), cancellationToken);
            return reasons.Count == 0 ? null : reasons[0];
        }


        private static MigrationResult Skipped(EvacuationJournalEntry entry, string hostName, string? errorId, string why) =>
            UnmovedResult.Create(entry.VMName, entry.Destination, hostName, entry.Destination, MigrationStatus.Skipped, errorId, why);
    }
}
