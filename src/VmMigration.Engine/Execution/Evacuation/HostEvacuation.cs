using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Execution.Cold;
using VmMigration.Execution.Governor;
using VmMigration.Planning;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>
    /// Maintenance mode: marks a host (in a file every process sees), then moves every running VM off it with the
    /// governor's limits, journaling each step before and after every change so a killed run resumes. A destination that
    /// fails mid-run is excluded and the VMs still on the host are planned again onto the others. With IncludeStopped the
    /// shut-off VMs are placed in the same plan (as ColdMove steps) and moved cold, one after another, before the live moves.
    /// </summary>
    public sealed class HostEvacuation
    {

        private readonly HostRegistry registry;
        private readonly Inventory inventory;
        private readonly MaintenanceStore maintenance;
        private readonly EvacuationOptions options;
        private readonly HashSet<string> failedDestinations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly List<MigrationResult> results = new List<MigrationResult>();
        /// <summary>Guests of other hosts the plan moves to make room (by UUID), and their results: not counted as moved off the host.</summary>
        private readonly HashSet<string> makeRoomGuests = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<MigrationResult> makeRoomResults = new HashSet<MigrationResult>();
        private int totalVMs;
        private int movesStarted;
        /// <summary>The hold on the hosts this run acts under (its own or the outer run's): once a lease of it is lost, no new move starts.</summary>
        private RunHold? activeHold;

        public HostEvacuation(HostRegistry registry, Inventory inventory, MaintenanceStore maintenance, EvacuationOptions options)
        {
            this.registry = registry;
            this.inventory = inventory;
            this.maintenance = maintenance;
            this.options = options;
        }

        public EvacuationSummary Run(IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            var start = DateTime.UtcNow;
            var host = registry.Resolve(options.HostName);
            if (options.Plan != null && options.IncludeStopped && options.Plan.Options?.IncludeStopped != true)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"-IncludeStopped was given with a plan made without it, so the plan has no cold moves for the stopped VMs of '{host.Name}'. " +
                    "Make the plan with Get-MigrationPlan -Goal Evacuate -IncludeStopped, or leave -IncludeStopped out.", nameof(options.IncludeStopped));
            var facts = host.CancellableConnection(cancellationToken).GetHostFacts();
            // A given plan is checked before anything changes: a stale one is refused with the host as it was, not in
            // maintenance and without a journal. The check ignores the host's own mark (it is a source, never a destination).
            var givenPlan = options.Plan == null ? null
                : PlanExecution.Validate(options.Plan, inventory, registry.Hosts, RulesFor(host), replan: false, cancellationToken);
            // Every host the run may use is held for it, so that no other run (here or on another machine) moves VMs onto,
            // off or between them meanwhile; taken before the journal and the mark, so a run refused here leaves all as it was.
            using var hold = options.Hold == null ? RunHold.Take(registry, registry.Hosts, $"Invoke-HostEvacuation of {host.Name}", options.WaitForHolds, observer.Warning, cancellationToken) : null;
            activeHold = options.Hold ?? hold;
            // -Resume insists on a journal to continue; a plain re-run continues the same journal too, so it is idempotent.
            var journal = options.Resume ? EvacuationJournal.Load(options.JournalPath) : EvacuationJournal.OpenOrCreate(options.JournalPath, host.Name, facts.HostUuid);
            var markedByThisRun = maintenance.Find(facts.HostUuid, host.Name) == null;
            HostMaintenanceMark.Enter(maintenance, host, facts.HostUuid, "evacuation", journal.Path);
            try
            {
                return Drain(host, journal, givenPlan, start, observer, cancellationToken);
            }
            catch when (markedByThisRun && movesStarted == 0)
            {
                // The run refused to start (nothing was moved): the host goes back to how it was. A mark that existed
                // before the run, or one under which something moved, stays.
                try
                {
                    HostMaintenanceMark.Leave(maintenance, host, facts.HostUuid);
                }
                catch (MigrationException)
                {
                    // The reason the run did not start matters more than a mark that could not be cleared.
                }
                throw;
            }
        }

        private EvacuationSummary Drain(ConnectedHost host, EvacuationJournal journal, MigrationPlan? givenPlan, DateTime start, IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            SettleInterruptedMoves(journal, observer, cancellationToken);

            double predicted = 0;
            var stopped = false;
            for (var round = 0; round <= registry.Hosts.Count && !stopped && !cancellationToken.IsCancellationRequested; round++)
            {
                var remaining = PlanRemaining(host, journal, observer, round == 0 ? givenPlan : null, cancellationToken, out var roundPrediction, out var makeRoom);
                if (round == 0)
                {
                    predicted = roundPrediction;
                }
                if (remaining.Count == 0)
                {
                    break;
                }
                if (!MakeRoom(makeRoom, journal, observer, cancellationToken, out stopped))
                {
                    // The evacuation moves counted on the room: without it they are planned again from where things are.
                    continue;
                }
                var destinationFailed = Execute(remaining, journal, observer, cancellationToken, out stopped);
                if (!destinationFailed)
                {
                    break;
                }
            }

            var leaseLost = activeHold?.LostReason;
            if (cancellationToken.IsCancellationRequested) MarkNotStarted(journal, observer, ErrorIds.MigrationAborted, "The evacuation was stopped before this VM's move started.");
            else if (leaseLost != null) MarkNotStarted(journal, observer, ErrorIds.RunLeaseLost, $"Not started: {leaseLost} Run the evacuation again (-Resume) once the other run is done.");
            else MarkNotStarted(journal, observer, ErrorIds.StoppedOnError, "Not started: an earlier move failed and -StopOnError was given.");
            journal.Close();
            var end = DateTime.UtcNow;
            return new EvacuationSummary
            {
                Host = host.Name,
                Start = start,
                End = end,
                DurationSec = Math.Round((end - start).TotalSeconds, 1),
                Moved = results.Count(r => r.Status == MigrationStatus.Succeeded && !makeRoomResults.Contains(r)),
                MadeRoom = makeRoomResults.Count(r => r.Status == MigrationStatus.Succeeded),
                Failed = results.Count(r => r.Status == MigrationStatus.Failed || r.Status == MigrationStatus.Aborted),
                Skipped = results.Count(r => r.Status == MigrationStatus.Skipped && (r.ErrorId == null || r.ErrorId == ErrorIds.VmNotRunning)),
                NotStarted = results.Count(r => r.Status == MigrationStatus.Skipped && r.ErrorId != null && r.ErrorId != ErrorIds.VmNotRunning),
                TransferredBytes = results.Sum(r => r.TransferredBytes),
                PredictedDurationSec = Math.Round(predicted, 1),
                InMaintenance = true,
                JournalPath = journal.Path,
            };
        }

        /// <summary>
        /// Runs the plan's make-room moves (VMs of other hosts that free room for the host's VMs) wave by wave, before any
        /// VM leaves the host: the plan checked each wave against the one before. False when one of them did not succeed
        /// (the rest is planned again from where things are) or the run stopped.
        /// </summary>
        private bool MakeRoom(List<PlannedStep> steps, EvacuationJournal journal, IEvacuationObserver observer, CancellationToken cancellationToken, out bool stopped)
        {
            stopped = false;
            foreach (var wave in steps.GroupBy(s => s.Step.Wave).OrderBy(w => w.Key))
            {
                int before = results.Count;
                var destinationFailed = Execute(wave.ToList(), journal, observer, cancellationToken, out stopped);
                if (stopped || cancellationToken.IsCancellationRequested)
                {
                    stopped = true;
                    return false;
                }
                if (destinationFailed || results.Skip(before).Any(r => r.Status != MigrationStatus.Succeeded))
                {
                    observer.Warning($"A move that makes room for the VMs of '{options.HostName}' did not succeed; what is still on '{options.HostName}' is planned again.");
                    return false;
                }
            }
            return true;
        }

        /// <summary>Plans the VMs still on the host; reports those that cannot move (not running, no destination) at once.</summary>
        private List<PlannedStep> PlanRemaining(ConnectedHost host, EvacuationJournal journal, IEvacuationObserver observer, MigrationPlan? given, CancellationToken cancellationToken,
            out double predictedSec, out List<PlannedStep> makeRoom)
        {
            var guests = host.CancellableConnection(cancellationToken).ListGuests();
            // Both take about a second of sampling (dirty pages, CPU time): side by side, not one after the other.
            var dirtyRates = MeasureDirtyRates(host, guests.Where(g => g.Active && !reported.Contains(g.Uuid)).ToList());
            var includeStopped = IncludeStopped;
            var live = LiveInventory.Capture(inventory, registry.Hosts, includeStopped, cancellationToken, out var failures);
            foreach (var failure in failures)
            {
                observer.Warning($"Host '{failure.Target}' is left out of the plan: {failure.Message}");
            }
            totalVMs = Math.Max(totalVMs, guests.Count + results.Count(r => r.Status == MigrationStatus.Succeeded));

            // One plan for the running and the stopped VMs, so the two kinds never overfill a destination together.
            // A given plan was validated when the run began; later rounds (after a destination failed) plan anew.
            var plan = given ?? MigrationPlanner.Plan(live, RulesFor(host), new PlanningOptions
                {
                    Goal = PlanGoal.Evacuate,
                    HostNames = new List<string> { host.Name },
                    BandwidthMBps = options.BandwidthMBps > 0 ? options.BandwidthMBps : 1000,
                    MaxDowntimeMs = options.MaxDowntimeMs,
                    IncludeStopped = includeStopped,
                    PreferredDestinations = options.PreferredDestinations,
                });
            predictedSec = plan.PredictedDurationSec;

            foreach (var guest in guests.Where(g => !g.Active && !reported.Contains(g.Uuid)))
            {
                var coldStep = plan.Steps.FirstOrDefault(s => s.Kind == PlanStepKind.ColdMove && s.VMName == guest.Name
                    && string.Equals(s.Source, host.Name, StringComparison.OrdinalIgnoreCase));
                if (coldStep != null)
                {
                    MoveCold(host, guest, coldStep, journal, observer, cancellationToken);
                    continue;
                }
                if (includeStopped && plan.Unplaced.Any(u => u.VMName == guest.Name))
                {
                    continue;   // reported below with the planner's reason, like a running VM that fits nowhere
                }
                Report(observer, journal, Outcome(guest.Name, host.Name, "", MigrationStatus.Skipped, ErrorIds.VmNotRunning, includeStopped
                    ? $"VM '{guest.Name}' is {guest.State} and the plan has no move for it (it was not shut off on this host when the plan was made), so it stays defined on '{host.Name}'."
                    : $"VM '{guest.Name}' is {guest.State}; live migration moves running VMs only, so it stays defined on '{host.Name}'. -IncludeStopped moves it cold."), guest.Uuid, EvacuationStepState.NotStarted);
            }

            foreach (var unplaced in plan.Unplaced.Where(u => string.Equals(u.HostName, host.Name, StringComparison.OrdinalIgnoreCase)))
            {
                var uuid = guests.FirstOrDefault(g => g.Name == unplaced.VMName)?.Uuid ?? unplaced.VMName;
                if (reported.Contains(uuid))
                {
                    continue;
                }
                Report(observer, journal, Outcome(unplaced.VMName, host.Name, "", MigrationStatus.Skipped, unplaced.Reason.Code, unplaced.Reason.Text), uuid, EvacuationStepState.NotStarted);
            }

            var steps = new List<PlannedStep>();
            foreach (var step in plan.Steps.Where(s => s.Kind == PlanStepKind.LiveMigration && string.Equals(s.Source, host.Name, StringComparison.OrdinalIgnoreCase)))
            {
                var guest = guests.FirstOrDefault(g => g.Name == step.VMName && g.Active);
                if (guest == null || reported.Contains(guest.Uuid))
                {
                    continue;
                }
                var entry = journal.Find(guest.Uuid) ?? new EvacuationJournalEntry { VMName = guest.Name, Uuid = guest.Uuid, Source = host.Name };
                entry = entry.With(EvacuationStepState.Pending);
                entry.Destination = step.Destination;
                journal.Record(entry);
                steps.Add(new PlannedStep(step, guest, entry));
            }
            makeRoom = MakeRoomSteps(plan, journal, cancellationToken);
            var measured = Wait(dirtyRates, cancellationToken);
            foreach (var step in steps)
            {
                step.MeasuredDirtyRateMBps = measured.TryGetValue(step.Guest.Uuid, out var rate) ? rate : null;
            }
            // Longest first: with moves sharing the link, starting the long ones early finishes the whole drain soonest.
            return steps.OrderByDescending(s => s.PredictedSec(options.BandwidthMBps, options.MaxDowntimeMs)).ThenBy(s => s.Step.Order).ToList();
        }

        /// <summary>The plan's make-room steps in order, each with its guest found on its source host and journaled as pending.</summary>
        private List<PlannedStep> MakeRoomSteps(MigrationPlan plan, EvacuationJournal journal, CancellationToken cancellationToken)
        {
            var steps = new List<PlannedStep>();
            var guestsOf = new Dictionary<string, IReadOnlyList<GuestInfo>>(StringComparer.OrdinalIgnoreCase);
            foreach (var step in plan.Steps.Where(s => s.Reason.Code == PlanReasonCodes.MakeRoom && s.Kind == PlanStepKind.LiveMigration).OrderBy(s => s.Order))
            {
                if (!guestsOf.TryGetValue(step.Source, out var guests))
                {
                    guestsOf[step.Source] = guests = registry.Resolve(step.Source).CancellableConnection(cancellationToken).ListGuests();
                }
                // A staged VM's second step starts where its first ends: it is found there when that step runs.
                var guest = guests.FirstOrDefault(g => g.Name == step.VMName && g.Active)
                    ?? steps.Select(p => p.Guest).FirstOrDefault(g => g.Name == step.VMName);
                if (guest == null)
                {
                    continue;
                }
                makeRoomGuests.Add(guest.Uuid);
                var entry = new EvacuationJournalEntry { VMName = guest.Name, Uuid = guest.Uuid, Source = step.Source, Destination = step.Destination }.With(EvacuationStepState.Pending);
                journal.Record(entry);
                steps.Add(new PlannedStep(step, guest, entry));
            }
            return steps;
        }

        /// <summary>Whether stopped VMs move: asked for, or a given plan made with them (a plan made without them is refused with -IncludeStopped).</summary>
        private bool IncludeStopped => options.IncludeStopped || options.Plan?.Options?.IncludeStopped == true;

        /// <summary>The user's rules, with every host in maintenance or failed during this run (but the evacuated one) barred as a destination.</summary>
        private ClusterRules RulesFor(ConnectedHost host)
        {
            var rules = (options.Rules ?? new ClusterRules()).Clone();
            rules.MaintenanceHosts.AddRange(failedDestinations.Concat(maintenance.List().Select(m => m.HostName)).Where(n => !string.Equals(n, host.Name, StringComparison.OrdinalIgnoreCase)).Distinct());
            return rules;
        }

        /// <summary>Moves a shut-off VM to its plan step's destination, journaling its disk copies before the first is made.</summary>
        private void MoveCold(ConnectedHost host, GuestInfo guest, MigrationPlanStep step, EvacuationJournal journal, IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            if (activeHold?.LostReason is string lost)
            {
                Report(observer, journal, Outcome(guest.Name, host.Name, step.Destination, MigrationStatus.Skipped, ErrorIds.RunLeaseLost,
                    $"Not started: {lost} Run the evacuation again (-Resume) once the other run is done."), guest.Uuid, EvacuationStepState.NotStarted);
                return;
            }
            Interlocked.Increment(ref movesStarted);
            var entry = journal.Find(guest.Uuid) ?? new EvacuationJournalEntry { VMName = guest.Name, Uuid = guest.Uuid, Source = host.Name };
            entry.Destination = step.Destination;
            var moved = ColdMove.Run(host, registry.Resolve(step.Destination), guest, cancellationToken, observer.MoveProgress,
                copies => { var inFlight = entry.With(EvacuationStepState.InFlight); inFlight.ColdCopies = copies.ToList(); journal.Record(inFlight); });
            Report(observer, journal, moved, guest.Uuid, moved.Status == MigrationStatus.Succeeded ? EvacuationStepState.Succeeded
                : moved.Status == MigrationStatus.Failed ? EvacuationStepState.Failed : EvacuationStepState.NotStarted);
        }

        /// <summary>Runs the steps under the governor. Returns true when a destination failed and the rest must be re-planned.</summary>
        private bool Execute(List<PlannedStep> queue, EvacuationJournal journal, IEvacuationObserver observer, CancellationToken cancellationToken, out bool stopped)
        {
            var destinationFailed = false;
            var stoppedOnError = false;
            var hooks = new GovernedExecution.Hooks<PlannedStep>
            {
                Skip = step => failedDestinations.Contains(step.Step.Destination),
                Admit = (step, transferShare) =>
                {
                    var timeout = options.MoveTimeout;
                    if (options.Deadline.HasValue)
                    {
                        var left = options.Deadline.Value - DateTime.UtcNow;
                        var needed = step.PredictedSec(options.BandwidthMBps, options.MaxDowntimeMs, transferShare);
                        if (needed > left.TotalSeconds)
                        {
                            Report(observer, journal, Outcome(step.Guest.Name, step.Step.Source, step.Step.Destination, MigrationStatus.Skipped, ErrorIds.DeadlineWouldBeMissed,
                                $"Not started: the move of '{step.Guest.Name}' is predicted to take {needed:0} s and {Math.Max(0, left.TotalSeconds):0} s are left before the deadline."), step.Guest.Uuid, EvacuationStepState.NotStarted);
                            return null;
                        }
                        timeout = left < timeout ? left : timeout;
                    }
                    return timeout;
                },
                Started = step =>
                {
                    Interlocked.Increment(ref movesStarted);
                    journal.Record(step.Entry.With(EvacuationStepState.InFlight));
                },
                Finished = (step, result) =>
                {
                    var state = result.Status == MigrationStatus.Succeeded ? EvacuationStepState.Succeeded : EvacuationStepState.Failed;
                    Report(observer, journal, result, step.Guest.Uuid, state);
                    if (result.Status != MigrationStatus.Succeeded && !string.Equals(result.RunningOn, step.Step.Destination, StringComparison.OrdinalIgnoreCase))
                    {
                        if (DestinationIsDown(step.Step.Destination))
                        {
                            failedDestinations.Add(step.Step.Destination);
                            destinationFailed = true;
                            observer.Warning($"Destination '{step.Step.Destination}' failed during the evacuation; the VMs still on '{options.HostName}' are planned again onto the other hosts.");
                        }
                        else if (options.StopOnError)
                        {
                            stoppedOnError = true;
                        }
                    }
                    return destinationFailed || stoppedOnError;
                },
            };
            new GovernedExecution(registry, options.MaxConcurrent, options.MaxConcurrentPerHost, options.BandwidthMBps, options.MaxDowntimeMs, options.AllowPostCopy, options.Encryption, activeHold, options.MigrationNetwork)
                .Run(queue, hooks, observer, cancellationToken);
            stopped = stoppedOnError;
            return destinationFailed && !cancellationToken.IsCancellationRequested && !stopped;
        }

        /// <summary>
        /// After a killed run: a move journaled in flight may have finished, failed, or still be running inside libvirtd
        /// (a peer-to-peer migration outlives its client). Wait for such a job, then record where the VM is.
        /// </summary>
        private void SettleInterruptedMoves(EvacuationJournal journal, IEvacuationObserver observer, CancellationToken cancellationToken)
        {
            foreach (var entry in journal.Entries.Where(e => e.State == EvacuationStepState.InFlight).ToList())
            {
                if (entry.ColdCopies != null)
                {
                    SettleInterruptedColdMove(journal, observer, entry);
                    continue;
                }
                var deadline = DateTime.UtcNow + options.MoveTimeout;
                LocatedVM? located = null;
                while (!cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        located = inventory.Locate(entry.Uuid, entry.Source, cancellationToken);
                    }
                    catch (MigrationException)
                    {
                        located = null;
                        break;
                    }
                    var job = located.Host.Connection.GetJobProgress(located.Guest.Name);
                    if (job == null)
                    {
                        break;
                    }
                    if (DateTime.UtcNow > deadline)
                    {
                        located.Host.Connection.AbortJob(located.Guest.Name);
                    }
                    cancellationToken.WaitHandle.WaitOne(500);
                }

                if (located != null && string.Equals(located.Host.Name, entry.Destination, StringComparison.OrdinalIgnoreCase) && located.Guest.State == VMState.Running)
                {
                    var done = Outcome(entry.VMName, entry.Source, entry.Destination, MigrationStatus.Succeeded, null,
                        $"VM '{entry.VMName}' finished moving to '{entry.Destination}' while the previous run was gone.");
                    done.RunningOn = entry.Destination;
                    Report(observer, journal, done, entry.Uuid, EvacuationStepState.Succeeded);
                }
                else
                {
                    journal.Record(entry.With(EvacuationStepState.Pending));
                }
            }
        }

        /// <summary>A cold move the killed run was making: finished when its VM is defined on the destination, else its partial copies deleted and the move left to do.</summary>
        private void SettleInterruptedColdMove(EvacuationJournal journal, IEvacuationObserver observer, EvacuationJournalEntry entry)
        {
            MigrationResult? done;
            try
            {
                done = ColdMove.SettleInterrupted(registry.Resolve(entry.Source), registry.Resolve(entry.Destination),
                    new GuestInfo { Name = entry.VMName, Uuid = entry.Uuid }, entry.ColdCopies!);
            }
            catch (MigrationException)
            {
                done = null; // a host no longer connected: the VM is planned like any other, and a copy left behind is named then
            }
            if (done != null)
            {
                Report(observer, journal, done, entry.Uuid, done.Status == MigrationStatus.Succeeded ? EvacuationStepState.Succeeded : EvacuationStepState.Failed);
                reported.Add(entry.Uuid);   // settled either way: a new cold move of it would only be refused
            }
            else
            {
                journal.Record(entry.With(EvacuationStepState.Pending));
            }
        }

        /// <summary>
        /// Starts measuring every guest's dirty rate at once, each on its own thread (each mostly waits out libvirt's
        /// one-second sample), so a host with a hundred VMs takes a second, not a hundred. A guest whose measurement fails
        /// has none: its move measures for itself and the governor counts it as idle.
        /// </summary>
        private static IReadOnlyList<(string Uuid, Task<double?> Rate)> MeasureDirtyRates(ConnectedHost host, IReadOnlyList<GuestInfo> guests) =>
            guests.Select(guest => (guest.Uuid, DedicatedThread.Start(() =>
            {
                try
                {
                    return host.Connection.MeasureDirtyRateMBps(guest.Name, TimeSpan.FromSeconds(1));
                }
                catch (MigrationException)
                {
                    return null;
                }
            }))).ToList();

        /// <summary>The measurements that answered within a call's time limit (past the one-second sample), by guest UUID.</summary>
        private Dictionary<string, double?> Wait(IReadOnlyList<(string Uuid, Task<double?> Rate)> measurements, CancellationToken cancellationToken)
        {
            try
            {
                Task.WhenAll(measurements.Select(m => m.Rate)).Wait((int)Math.Min(int.MaxValue, registry.CallTimeout.TotalMilliseconds + 1000), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The drain is stopping: what has been measured is all there is.
            }
            return measurements.Where(m => m.Rate.Status == TaskStatus.RanToCompletion)
                .ToDictionary(m => m.Uuid, m => m.Rate.Result, StringComparer.OrdinalIgnoreCase);
        }

        private bool DestinationIsDown(string name)
        {
            try
            {
                // A dead connection is opened again by this call: down means it does not answer, not that a connection died.
                registry.Resolve(name).Connection.GetHostFacts();
                return false;
            }
            catch (MigrationException)
            {
                return true;
            }
        }

        private void MarkNotStarted(EvacuationJournal journal, IEvacuationObserver observer, string errorId, string message)
        {
            foreach (var entry in journal.Entries.Where(e => e.State == EvacuationStepState.Pending).ToList())
            {
                Report(observer, journal, Outcome(entry.VMName, entry.Source, entry.Destination, MigrationStatus.Skipped, errorId, message), entry.Uuid, EvacuationStepState.NotStarted);
            }
        }

        private void Report(IEvacuationObserver observer, EvacuationJournal journal, MigrationResult result, string uuid, EvacuationStepState state)
        {
            var entry = journal.Find(uuid) ?? new EvacuationJournalEntry { VMName = result.VMName, Uuid = uuid, Source = result.Source, Destination = result.Destination };
            journal.Record(entry.With(state, result.ErrorId, result.Message));
            if (state == EvacuationStepState.Failed)
            {
                // A failed VM stays on the host and may be planned again onto another destination in a later round.
                reported.Remove(uuid);
            }
            else
            {
                reported.Add(uuid);
            }
            results.Add(result);
            if (makeRoomGuests.Contains(uuid))
            {
                makeRoomResults.Add(result);
            }
            observer.VMFinished(result);
            observer.HostProgress(results.Count(r => r.Status == MigrationStatus.Succeeded && !makeRoomResults.Contains(r)), Math.Max(totalVMs, results.Count - makeRoomResults.Count));
        }

        private static MigrationResult Outcome(string vm, string source, string destination, MigrationStatus status, string? errorId, string message) =>
            UnmovedResult.Create(vm, source, destination, status == MigrationStatus.Succeeded ? destination : source, status, errorId, message);

        private sealed class PlannedStep : GovernedStep
        {
            public PlannedStep(MigrationPlanStep step, GuestInfo guest, EvacuationJournalEntry entry) : base(step, guest)
            {
                Entry = entry;
            }

            public EvacuationJournalEntry Entry { get; }
        }
    }
}
