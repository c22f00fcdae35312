using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>
    /// Every host of a cluster in turn, with nothing lost: before anything moves, a preflight of the whole run by the
    /// planner (<see cref="MaintenanceSequencePlanner"/>) that lists every host that could not be drained in its turn and
    /// refuses the run unless those hosts are skipped; then each host's turn (<see cref="HostTurn"/>), one after another,
    /// while no more hosts than MaxFailedHosts have failed and the deadline has not passed. A journal for the whole run
    /// lets -Resume go on from the phase a killed run was in.
    /// </summary>
    public sealed class RollingMaintenance
    {
        private readonly HostRegistry registry;
        private readonly Inventory inventory;
        private readonly MaintenanceStore maintenance;
        private readonly RollingMaintenanceOptions options;

        public RollingMaintenance(HostRegistry registry, Inventory inventory, MaintenanceStore maintenance, RollingMaintenanceOptions options)
        {
            this.registry = registry;
            this.inventory = inventory;
            this.maintenance = maintenance;
            this.options = options;
        }

        /// <summary>
        /// The run as it would go, checked against the cluster as it is now; nothing changes (no journal is written).
        /// Throws RollingMaintenanceInfeasible (<see cref="MaintenanceInfeasibleException"/>) listing every blocker.
        /// </summary>
        public RollingMaintenancePreview Preflight(CancellationToken cancellationToken) => Prepare(Array.Empty<string>(), cancellationToken).Preview;

        /// <summary>
        /// Runs the preflight again (the cluster may have changed while the user confirmed), then every host's turn. Hosts in
        /// <paramref name="declined"/> (not confirmed) are skipped like those of SkipHosts.
        /// </summary>
        public RollingMaintenanceSummary Run(IReadOnlyCollection<string> declined, IRollingMaintenanceObserver observer, IMaintenanceScripts scripts, CancellationToken cancellationToken)
        {
            var start = DateTime.UtcNow;
            var prepared = Prepare(declined, cancellationToken);
            // The whole cluster is held for the run, through every host's turn (the evacuations inside use this hold).
            using var hold = RunHold.Take(registry, registry.Hosts, $"Invoke-RollingMaintenance of {string.Join(", ", prepared.Preview.Turns.Select(t => t.HostName))}",
                options.WaitForHolds, observer.Warning, cancellationToken);
            var journal = Open(prepared);
            foreach (var name in prepared.Preview.Skipped)
            {
                var entry = journal.Find(name)!;
                entry.State = MaintenanceHostState.Skipped;
                entry.Message = declined.Contains(name, StringComparer.OrdinalIgnoreCase)
                    ? $"Host '{name}' was not confirmed, so it was left out." : $"Host '{name}' was left out with -SkipHost.";
                journal.Record(entry);
            }
            foreach (var entry in journal.Hosts.Where(h => h.Finished))
            {
                observer.HostFinished(HostTurn.Result(entry, entry.ScriptOutput, new List<MigrationResult>()));
            }

            string? stoppedAt = null;
            foreach (var turn in prepared.Preview.Turns)
            {
                var entry = journal.Find(turn.HostName)!;
                var why = WhyNotStart(journal, hold, cancellationToken);
                if (why != null)
                {
                    stoppedAt ??= why.Value.ErrorId == ErrorIds.MaintenanceStopped ? $"before host '{entry.HostName}'" : null;
                    entry.State = MaintenanceHostState.NotStarted;
                    entry.ErrorId = why.Value.ErrorId;
                    entry.Message = why.Value.Message;
                    journal.Record(entry);
                    observer.HostFinished(HostTurn.Result(entry, Array.Empty<object>(), new List<MigrationResult>()));
                    continue;
                }
                var finished = journal.Hosts.Count(h => h.Finished || h.State == MaintenanceHostState.NotStarted);
                var result = new HostTurn(registry, inventory, maintenance, options, journal, entry, observer, scripts,
                    phase => observer.PhaseStarted(entry.HostName, phase, finished, journal.Hosts.Count), hold).Run(cancellationToken);
                if (result.ErrorId == ErrorIds.MaintenanceStopped)
                {
                    stoppedAt = $"host '{entry.HostName}', phase {entry.Phase}";
                }
                observer.HostFinished(result);
            }
            journal.Close(stoppedAt);
            return Summarize(journal, start);
        }

        /// <summary>Why no further host may start: a stop request, a lease lost to another run, too many failed hosts, the deadline; null when one may.</summary>
        private (string ErrorId, string Message)? WhyNotStart(RollingMaintenanceJournal journal, RunHold hold, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return (ErrorIds.MaintenanceStopped, "Not started: the run was stopped before this host's turn. -Resume goes on.");
            }
            if (hold.LostReason is string lost)
            {
                return (ErrorIds.RunLeaseLost, $"Not started: {lost} -Resume goes on once the other run is done.");
            }
            var failed = journal.Hosts.Where(h => h.State == MaintenanceHostState.Failed).Select(h => h.HostName).ToList();
            if (failed.Count > options.MaxFailedHosts)
            {
                return (ErrorIds.MaxFailedHostsReached,
                    $"Not started: {failed.Count} host(s) failed ({string.Join(", ", failed)}), more than -MaxFailedHosts {options.MaxFailedHosts}. " +
                    "Fix them (Resume-MigrationHost takes a host out of maintenance), then -Resume, with a higher -MaxFailedHosts if need be.");
            }
            if (options.Deadline.HasValue && DateTime.UtcNow >= options.Deadline.Value)
            {
                return (ErrorIds.DeadlineWouldBeMissed, $"Not started: the deadline ({options.Deadline.Value:u}) has passed.");
            }
            return null;
        }

        private Prepared Prepare(IReadOnlyCollection<string> declined, CancellationToken cancellationToken)
        {
            var names = options.HostNames.Select(n => registry.Find(n)?.Name ?? n).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (names.Count == 0)
            {
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "A rolling maintenance needs at least one host (-HostName).");
            }
            var journal = Existing(names);
            foreach (var name in names)
            {
                var entry = journal?.Find(name);
                var mayBeDown = entry != null && entry.State == MaintenanceHostState.InProgress && entry.Phase >= MaintenancePhase.Script && !string.IsNullOrEmpty(entry.HostUri);
                if (registry.Find(name) == null && !mayBeDown)
                {
                    registry.Resolve(name);   // HostNotFound, naming the connected hosts
                }
            }
            var warnings = options.SkipHosts.Where(s => !names.Contains(s, StringComparer.OrdinalIgnoreCase))
                .Select(s => $"-SkipHost '{s}' is not one of the hosts of the run ({string.Join(", ", names)}).").ToList();
            var finished = journal?.Hosts.Where(h => h.Finished).Select(h => h.HostName).ToList() ?? new List<string>();
            bool Left(string name) => options.SkipHosts.Concat(declined).Contains(name, StringComparer.OrdinalIgnoreCase);
            var skipped = names.Where(n => Left(n) && !finished.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            var inHand = journal?.Hosts.FirstOrDefault(h => h.State == MaintenanceHostState.InProgress && !Left(h.HostName));
            var pending = (journal?.Hosts.Select(h => h.HostName) ?? names)
                .Where(n => !Left(n) && !finished.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
            if (inHand != null)
            {
                pending.Remove(inHand.HostName);
                pending.Insert(0, inHand.HostName);
            }
            // A host past its drain has nothing to plan (and may be down): it goes on first, out of the simulation.
            var drained = inHand != null && inHand.Phase > MaintenancePhase.Draining ? inHand : null;

            var live = LiveInventory.Capture(inventory, registry.Hosts, includeStopped: false, cancellationToken, out var failures);
            warnings.AddRange(failures.Select(f => $"Host '{f.Target}' did not answer while the run was planned: {f.Message}"));
            var sequence = MaintenanceSequencePlanner.Plan(live, options.Rules, new MaintenanceSequenceOptions
            {
                Hosts = pending.Where(n => drained == null || n != drained.HostName).ToList(),
                FirstIsFixed = inHand != null && drained == null,
                ChooseOrder = options.HostOrder == MaintenanceHostOrder.Auto,
                VMsReturn = options.Failback == MaintenanceFailback.Original,
                Done = journal?.Hosts.Where(h => h.State == MaintenanceHostState.Succeeded).Select(h => h.HostName).ToList() ?? new List<string>(),
                Planning = new PlanningOptions { BandwidthMBps = options.BandwidthMBps > 0 ? options.BandwidthMBps : 1000, MaxDowntimeMs = options.MaxDowntimeMs },
            });
            if (sequence.Blockers.Count > 0)
            {
                throw new MaintenanceInfeasibleException(sequence.Blockers);
            }
            var turns = new List<RollingMaintenanceTurn>();
            if (drained != null)
            {
                turns.Add(new RollingMaintenanceTurn(drained.HostName, Array.Empty<MigrationPlanStep>(), drained.Phase, options.Failback));
            }
            turns.AddRange(sequence.Steps.Select(s => new RollingMaintenanceTurn(s.HostName, s.Moves,
                journal?.Find(s.HostName)?.State == MaintenanceHostState.InProgress ? journal.Find(s.HostName)!.Phase : MaintenancePhase.None, options.Failback)));
            return new Prepared(names, journal, new RollingMaintenancePreview(turns, skipped, finished, warnings));
        }

        /// <summary>The journal to go on with: for -Resume the run's own (refused when it is of other hosts); otherwise none, and an unfinished one is refused.</summary>
        private RollingMaintenanceJournal? Existing(IReadOnlyList<string> names)
        {
            if (!options.Resume)
            {
                if (File.Exists(options.JournalPath))
                {
                    var existing = RollingMaintenanceJournal.Load(options.JournalPath);
                    if (existing.EndedAt == null)
                    {
                        var where = existing.StoppedAt ?? string.Join(", ", existing.Hosts.Where(h => h.State == MaintenanceHostState.InProgress).Select(h => $"host '{h.HostName}', phase {h.Phase}"));
                        throw new MigrationException(ErrorIds.RollingMaintenanceInProgress, ErrorKind.ResourceBusy,
                            $"A rolling maintenance of {string.Join(", ", existing.Hosts.Select(h => h.HostName))} is unfinished (journal '{options.JournalPath}'" +
                            (where.Length > 0 ? $", stopped at {where}" : "") + "). Continue it with -Resume, or give another -JournalPath.", options.JournalPath);
                    }
                }
                return null;
            }
            var journal = RollingMaintenanceJournal.Load(options.JournalPath);
            var recorded = journal.Hosts.Select(h => h.HostName).ToList();
            if (recorded.Count != names.Count || recorded.Any(r => !names.Contains(r, StringComparer.OrdinalIgnoreCase)))
            {
                throw new MigrationException(ErrorIds.InvalidStateFile, ErrorKind.InvalidArgument,
                    $"The journal '{options.JournalPath}' is of a run over {string.Join(", ", recorded)}, not {string.Join(", ", names)}. " +
                    "Resume with the same -HostName, or give the journal of this run with -JournalPath.", options.JournalPath);
            }
            return journal;
        }

        /// <summary>The run's journal, in the order of this run: a resumed one reopened, otherwise a new one (an ended run's set aside first).</summary>
        private RollingMaintenanceJournal Open(Prepared prepared)
        {
            var order = prepared.Preview.Finished.Concat(prepared.Preview.Turns.Select(t => t.HostName)).Concat(prepared.Preview.Skipped).ToList();
            order.AddRange(prepared.Names.Where(n => !order.Contains(n, StringComparer.OrdinalIgnoreCase)));
            if (prepared.Journal != null)
            {
                prepared.Journal.Reorder(order);
                prepared.Journal.Reopen();
                return prepared.Journal;
            }
            RollingMaintenanceJournal.Archive(options.JournalPath);
            return RollingMaintenanceJournal.Create(options.JournalPath, options.HostOrder, options.Failback, order);
        }

        /// <summary>The whole run, from its journal: hosts by outcome, moves and bytes against evacuate-then-failback.</summary>
        private static RollingMaintenanceSummary Summarize(RollingMaintenanceJournal journal, DateTime start)
        {
            const long MiB = 1L << 20;
            var hosts = journal.Hosts;
            long MemoryOf(RollingMaintenanceHostEntry h, Func<MaintenanceVM, bool> which) => (h.VMs ?? new List<MaintenanceVM>()).Where(which).Sum(v => v.MemoryMB) * MiB;
            // Evacuate-then-failback moves each VM of a host's own twice (out, back), its memory each time; a VM an earlier
            // drain of this run brought here would not have been here.
            Func<RollingMaintenanceHostEntry, Func<MaintenanceVM, bool>> own = h => v => !v.MovedBefore && h.MovedUuids.Contains(v.Uuid, StringComparer.OrdinalIgnoreCase);
            var moves = hosts.Sum(h => h.MovedUuids.Count + h.FailedBackVMs.Count);
            var movedBytes = hosts.Sum(h => MemoryOf(h, v => h.MovedUuids.Contains(v.Uuid, StringComparer.OrdinalIgnoreCase)) + MemoryOf(h, v => h.FailedBackVMs.Contains(v.Name, StringComparer.Ordinal)));
            var baselineMoves = hosts.Sum(h => 2 * (h.VMs ?? new List<MaintenanceVM>()).Count(own(h)));
            var baselineBytes = hosts.Sum(h => 2 * MemoryOf(h, own(h)));
            var end = DateTime.UtcNow;
            return new RollingMaintenanceSummary
            {
                Start = start,
                End = end,
                DurationSec = Math.Round((end - start).TotalSeconds, 1),
                Hosts = hosts.Count,
                Succeeded = hosts.Count(h => h.State == MaintenanceHostState.Succeeded),
                Failed = hosts.Count(h => h.State == MaintenanceHostState.Failed),
                Skipped = hosts.Count(h => h.State == MaintenanceHostState.Skipped),
                NotStarted = hosts.Count(h => h.State == MaintenanceHostState.NotStarted),
                Order = hosts.Where(h => h.State != MaintenanceHostState.Skipped).Select(h => h.HostName).ToArray(),
                Moves = moves,
                TransferredBytes = hosts.Sum(h => h.TransferredBytes),
                MovedMemoryBytes = movedBytes,
                BaselineMoves = baselineMoves,
                BaselineBytes = baselineBytes,
                MovesSaved = baselineMoves - moves,
                BytesSaved = baselineBytes - movedBytes,
                StoppedAt = journal.StoppedAt,
                JournalPath = journal.Path,
            };
        }

        private sealed class Prepared
        {
            public Prepared(IReadOnlyList<string> names, RollingMaintenanceJournal? journal, RollingMaintenancePreview preview)
            {
                Names = names;
                Journal = journal;
                Preview = preview;
            }

            public IReadOnlyList<string> Names { get; }
            public RollingMaintenanceJournal? Journal { get; }
            public RollingMaintenancePreview Preview { get; }
        }
    }
}
