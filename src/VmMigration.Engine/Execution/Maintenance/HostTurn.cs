using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>
    /// One host's turn of a rolling maintenance, phase after phase, each journaled before it starts so that a killed run
    /// runs it again: pre-script; drain (maintenance mode, the evacuation engine); the script, only on a host with no VM
    /// running; the wait for the host to answer (it may reboot); the health check; leaving maintenance and the failback;
    /// post-script. A failure before the health check passed leaves the host in maintenance, its VMs where they were moved.
    /// </summary>
    internal sealed class HostTurn
    {
        private readonly HostRegistry registry;
        private readonly Inventory inventory;
        private readonly MaintenanceStore maintenance;
        private readonly RollingMaintenanceOptions options;
        private readonly RollingMaintenanceJournal journal;
        private readonly RollingMaintenanceHostEntry entry;
        private readonly IRollingMaintenanceObserver observer;
        private readonly IMaintenanceScripts scripts;
        private readonly Action<MaintenancePhase> phaseStarted;
        private readonly HostReturn hostReturn;
        private readonly List<MigrationResult> moves = new List<MigrationResult>();
        private readonly List<object> output = new List<object>();
        private readonly List<object> carriedOutput;
        /// <summary>The run's hold on the cluster, which the drain works under.</summary>
        private readonly RunHold hold;

        public HostTurn(HostRegistry registry, Inventory inventory, MaintenanceStore maintenance, RollingMaintenanceOptions options, RollingMaintenanceJournal journal,
            RollingMaintenanceHostEntry entry, IRollingMaintenanceObserver observer, IMaintenanceScripts scripts, Action<MaintenancePhase> phaseStarted, RunHold hold)
        {
            this.hold = hold;
            this.registry = registry;
            this.inventory = inventory;
            this.maintenance = maintenance;
            this.options = options;
            this.journal = journal;
            this.entry = entry;
            this.observer = observer;
            this.scripts = scripts;
            this.phaseStarted = phaseStarted;
            hostReturn = new HostReturn(registry, options);
            // What the scripts that finished before a resume wrote: their text, kept by the journal.
            carriedOutput = entry.ScriptOutput.Cast<object>().ToList();
        }

        private string Name => entry.HostName;

        public HostMaintenanceResult Run(CancellationToken cancellationToken)
        {
            entry.State = MaintenanceHostState.InProgress;
            entry.StartedAt ??= DateTime.UtcNow;
            entry.ErrorId = null;
            entry.Message = null;
            journal.Record(entry);
            try
            {
                return Phases(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Stopped();
            }
            catch (MigrationException) when (cancellationToken.IsCancellationRequested)
            {
                // A call given up on because of the stop, not a failure of the host.
                return Stopped();
            }
            catch (MigrationException error)
            {
                return Fail(error.ErrorId, $"Host '{Name}' failed in phase {entry.Phase}: {error.Message}");
            }
        }

        private HostMaintenanceResult Phases(CancellationToken cancellationToken)
        {
            if (entry.CpuCount == 0)
            {
                RecordBefore(cancellationToken);
            }
            if (At(MaintenancePhase.PreScript) && scripts.Has(MaintenanceScript.PreScript))
            {
                Enter(MaintenancePhase.PreScript, cancellationToken);
                if (RunScript(MaintenanceScript.PreScript, cancellationToken) is string why)
                {
                    return ScriptFailed(cancellationToken, $"The pre-script of host '{Name}' failed: {why}. Nothing was moved for it.");
                }
            }
            if (At(MaintenancePhase.Draining))
            {
                Enter(MaintenancePhase.Draining, cancellationToken);
                Drain(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return Stopped();
                }
            }
            if (At(MaintenancePhase.Script))
            {
                Enter(MaintenancePhase.Script, cancellationToken);
                // A run resumed here may find the host rebooting under a script that was cut off: it must answer first.
                hostReturn.Wait(entry, options.HostReturnTimeout, cancellationToken);
                var running = Running(cancellationToken);
                if (running.Count > 0)
                {
                    return Fail(ErrorIds.HostStillHasRunningVMs,
                        $"Host '{Name}' still runs {string.Join(", ", running.Select(g => $"'{g.Name}'"))}, so its script was not run: a script never runs on a host with a running VM. " +
                        DrainFailures() + "It stays in maintenance; move those VMs away (or stop them) and -Resume, or take it out with Resume-MigrationHost.");
                }
                if (RunScript(MaintenanceScript.Script, cancellationToken) is string why)
                {
                    return ScriptFailed(cancellationToken, $"The script of host '{Name}' failed: {why}. It stays in maintenance, its VMs where they were moved.");
                }
            }
            HostFacts? now = null;
            if (At(MaintenancePhase.WaitingForHost))
            {
                Enter(MaintenancePhase.WaitingForHost, cancellationToken);
                now = hostReturn.Wait(entry, options.HostReturnTimeout, cancellationToken);
            }
            if (At(MaintenancePhase.HealthCheck))
            {
                Enter(MaintenancePhase.HealthCheck, cancellationToken);
                now ??= hostReturn.Wait(entry, options.HostReturnTimeout, cancellationToken);
                var problems = HostHealthCheck.Problems(entry, now).ToList();
                if (problems.Count == 0 && scripts.Has(MaintenanceScript.HealthCheck) && RunScript(MaintenanceScript.HealthCheck, cancellationToken) is string why)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return Stopped();
                    }
                    problems.Add($"its health check failed: {why}");
                }
                if (problems.Count > 0)
                {
                    return Fail(ErrorIds.HostHealthCheckFailed,
                        $"Host '{Name}' is back but not healthy: {string.Join("; ", problems)}. It stays in maintenance, its VMs where they were moved.");
                }
            }
            if (At(MaintenancePhase.Failback))
            {
                Enter(MaintenancePhase.Failback, cancellationToken);
                var failed = LeaveAndFailBack(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return Stopped();
                }
                if (failed.Count > 0)
                {
                    return Fail(ErrorIds.FailbackFailed,
                        $"{failed.Count} VM(s) could not be moved back onto '{Name}' and run where the drain moved them: " +
                        string.Join("; ", failed.Select(r => $"'{r.VMName}' on '{r.RunningOn}': {r.ErrorId}: {r.Message}")) +
                        $". '{Name}' passed its health check and is in service again.");
                }
            }
            if (At(MaintenancePhase.PostScript) && scripts.Has(MaintenanceScript.PostScript))
            {
                Enter(MaintenancePhase.PostScript, cancellationToken);
                if (RunScript(MaintenanceScript.PostScript, cancellationToken) is string why)
                {
                    return ScriptFailed(cancellationToken, $"The post-script of host '{Name}' failed: {why}. The host passed its health check and is in service again.");
                }
            }
            entry.Phase = MaintenancePhase.Completed;
            var back = entry.FailedBackVMs.Count > 0 ? $", {entry.FailedBackVMs.Count} moved back" : "";
            return Finish(MaintenanceHostState.Succeeded, null, $"Host '{Name}' is done: {entry.MovedUuids.Count} VM(s) moved away{back}, script run, back and healthy, in service again.");
        }

        /// <summary>A phase at or after the one the host is in: a resumed run starts again with the phase it was in.</summary>
        private bool At(MaintenancePhase phase) => entry.Phase <= phase;

        /// <summary>Starts a phase: journaled first, so that a killed run runs it again. No phase starts after a stop request.</summary>
        private void Enter(MaintenancePhase phase, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            entry.Phase = phase;
            journal.Record(entry);
            phaseStarted(phase);
        }

        /// <summary>What the host is before its turn: the health check compares with it.</summary>
        private void RecordBefore(CancellationToken cancellationToken)
        {
            var host = registry.Resolve(Name);
            var facts = host.CancellableConnection(cancellationToken).GetHostFacts();
            entry.HostUri = host.Uri.Display;
            entry.HostUuid = facts.HostUuid;
            entry.CpuCount = facts.CpuCount;
            entry.MemoryMB = facts.MemoryMB;
            entry.LibvirtVersion = facts.LibvirtVersion;
            entry.HypervisorVersion = facts.HypervisorVersion;
            journal.Record(entry);
        }

        /// <summary>Maintenance mode and the drain, by the evacuation engine, with its own journal beside the run's.</summary>
        private void Drain(CancellationToken cancellationToken)
        {
            var host = registry.Resolve(Name);
            if (entry.VMs == null)
            {
                var movedBefore = new HashSet<string>(journal.Hosts.Where(h => h != entry).SelectMany(h => h.MovedUuids), StringComparer.OrdinalIgnoreCase);
                entry.VMs = host.CancellableConnection(cancellationToken).ListGuests().Where(g => g.Active)
                    .Select(g => new MaintenanceVM { Name = g.Name, Uuid = g.Uuid, MemoryMB = g.MemoryMB, MovedBefore = movedBefore.Contains(g.Uuid) }).ToList();
                journal.Record(entry);
            }
            var evacuationJournal = journal.EvacuationJournalPath(Name);
            var evacuation = new HostEvacuation(registry, inventory, maintenance, new EvacuationOptions
            {
                HostName = Name,
                Hold = hold,
                Rules = options.Rules,
                MaxConcurrent = options.MaxConcurrent,
                MaxConcurrentPerHost = options.MaxConcurrentPerHost,
                BandwidthMBps = options.BandwidthMBps,
                Deadline = options.Deadline,
                MaxDowntimeMs = options.MaxDowntimeMs,
                Encryption = options.Encryption,
                MigrationNetwork = options.MigrationNetwork,
                JournalPath = evacuationJournal,
                // VMs that stay where they are moved go to hosts already done where they fit: they need not move again.
                PreferredDestinations = options.Failback == MaintenanceFailback.None
                    ? journal.Hosts.Where(h => h.State == MaintenanceHostState.Succeeded).Select(h => h.HostName).ToList()
                    : null,
            });
            evacuation.Run(new DrainObserver(this), cancellationToken);
            entry.MovedUuids = EvacuationJournal.Load(evacuationJournal).Entries
                .Where(e => e.State == EvacuationStepState.Succeeded && string.Equals(e.Source, Name, StringComparison.OrdinalIgnoreCase))
                .Select(e => e.Uuid).ToList();
            entry.InMaintenance = true;
            journal.Record(entry);
        }

        private List<GuestInfo> Running(CancellationToken cancellationToken) =>
            registry.Resolve(Name).CancellableConnection(cancellationToken).ListGuests().Where(g => g.Active).ToList();

        /// <summary>Why the drain left VMs behind, from its results in this run.</summary>
        private string DrainFailures()
        {
            var unmoved = moves.Where(m => m.Status != MigrationStatus.Succeeded).ToList();
            return unmoved.Count == 0 ? "" : "The drain left: " + string.Join("; ", unmoved.Select(m => $"'{m.VMName}': {m.ErrorId}: {m.Message}")) + ". ";
        }

        /// <summary>Leaves maintenance, then (-Failback Original) moves back what the drain moved away. Returns the moves back that failed.</summary>
        private List<MigrationResult> LeaveAndFailBack(CancellationToken cancellationToken)
        {
            HostMaintenanceMark.Leave(maintenance, registry.Resolve(Name), entry.HostUuid ?? "");
            entry.InMaintenance = false;
            journal.Record(entry);
            var evacuationJournal = journal.EvacuationJournalPath(Name);
            var failed = new List<MigrationResult>();
            if (options.Failback == MaintenanceFailback.Original)
            {
                var progress = new ForwardingProgress(observer);
                foreach (var result in new HostFailback(registry, inventory).Run(registry.Resolve(Name), evacuationJournal, options.Rules, progress, cancellationToken, options.Encryption, hold))
                {
                    moves.Add(result);
                    entry.TransferredBytes += result.TransferredBytes;
                    if (result.Status == MigrationStatus.Succeeded)
                    {
                        entry.FailedBackVMs.Add(result.VMName);
                    }
                    else if (result.Status.IsFailure())
                    {
                        failed.Add(result);
                    }
                    journal.Record(entry);
                }
            }
            if (!cancellationToken.IsCancellationRequested)
            {
                // Done with: the host's next evacuation starts a fresh journal, as after Resume-MigrationHost.
                EvacuationJournal.Archive(evacuationJournal);
            }
            return failed;
        }

        /// <summary>Runs one of the user's steps on this host; its output and errors go to the host's result and journal. Returns why it failed, or null.</summary>
        private string? RunScript(MaintenanceScript script, CancellationToken cancellationToken)
        {
            var host = inventory.DescribeHosts(new[] { registry.Resolve(Name) }, cancellationToken).Single();
            var outcome = scripts.Run(script, host, cancellationToken);
            output.AddRange(outcome.Output);
            entry.ScriptOutput.AddRange(outcome.Output.Select(o => o?.ToString() ?? ""));
            entry.ScriptErrors.AddRange(outcome.Errors.Select(e => $"{script}: {e}"));
            journal.Record(entry);
            return outcome.Failure;
        }

        private HostMaintenanceResult ScriptFailed(CancellationToken cancellationToken, string message) =>
            cancellationToken.IsCancellationRequested ? Stopped() : Fail(ErrorIds.MaintenanceScriptFailed, message);

        private HostMaintenanceResult Fail(string errorId, string message) => Finish(MaintenanceHostState.Failed, errorId, message);

        private HostMaintenanceResult Finish(MaintenanceHostState state, string? errorId, string message)
        {
            entry.State = state;
            entry.ErrorId = errorId;
            entry.Message = message;
            entry.EndedAt = DateTime.UtcNow;
            entry.InMaintenance = IsMarked();
            journal.Record(entry);
            return Result(entry, carriedOutput.Concat(output), moves);
        }

        /// <summary>The run was stopped in this host's turn: the journal keeps the host in its phase, for -Resume.</summary>
        private HostMaintenanceResult Stopped()
        {
            entry.InMaintenance = IsMarked();
            entry.Message = $"Stopped in phase {entry.Phase}: the moves in flight settled and the journal keeps the host in this phase; -Resume goes on from it.";
            journal.Record(entry);
            var result = Result(entry, carriedOutput.Concat(output), moves);
            result.Status = HostMaintenanceStatus.Failed;
            result.ErrorId = ErrorIds.MaintenanceStopped;
            return result;
        }

        private bool IsMarked() => maintenance.Find(entry.HostUuid ?? "", Name) != null;

        /// <summary>A host's result from its journal entry, with what its scripts wrote and the moves made for it in this run of the command.</summary>
        public static HostMaintenanceResult Result(RollingMaintenanceHostEntry entry, IEnumerable<object> scriptOutput, IList<MigrationResult> moves)
        {
            var end = entry.EndedAt ?? DateTime.UtcNow;
            var start = entry.StartedAt ?? end;
            return new HostMaintenanceResult
            {
                HostName = entry.HostName,
                Status = entry.State == MaintenanceHostState.Succeeded ? HostMaintenanceStatus.Succeeded
                    : entry.State == MaintenanceHostState.Skipped ? HostMaintenanceStatus.Skipped
                    : entry.State == MaintenanceHostState.NotStarted ? HostMaintenanceStatus.NotStarted
                    : HostMaintenanceStatus.Failed,
                Phase = entry.Phase,
                VMsMoved = entry.MovedUuids.Count,
                VMsFailedBack = entry.FailedBackVMs.Count,
                ScriptOutput = scriptOutput.ToArray(),
                ScriptErrors = entry.ScriptErrors.ToArray(),
                ErrorId = entry.ErrorId,
                Message = entry.Message,
                StartTime = start,
                EndTime = end,
                DurationSec = Math.Round((end - start).TotalSeconds, 1),
                TransferredBytes = entry.TransferredBytes,
                InMaintenance = entry.InMaintenance,
                Moves = moves.ToList(),
            };
        }

        /// <summary>The drain's events into the host's result and journal, and on to the run's observer.</summary>
        private sealed class DrainObserver : IEvacuationObserver
        {
            private readonly HostTurn turn;

            public DrainObserver(HostTurn turn)
            {
                this.turn = turn;
            }

            public void MoveProgress(MigrationProgress progress) => turn.observer.MoveProgress(progress);

            public void VMFinished(MigrationResult result)
            {
                lock (turn.moves)
                {
                    turn.moves.Add(result);
                    turn.entry.TransferredBytes += result.TransferredBytes;
                }
                turn.journal.Record(turn.entry);
            }

            public void HostProgress(int done, int total) => turn.observer.DrainProgress(turn.Name, done, total);

            public void Warning(string message) => turn.observer.Warning(message);
        }

        private sealed class ForwardingProgress : IProgress<MigrationProgress>
        {
            private readonly IRollingMaintenanceObserver observer;

            public ForwardingProgress(IRollingMaintenanceObserver observer)
            {
                this.observer = observer;
            }

            public void Report(MigrationProgress value) => observer.MoveProgress(value);
        }
    }
}
