using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Phases;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Moves a VM's disks into another storage pool of its own host. A running VM keeps running: each disk is copied live
    /// (block copy, guest writes mirrored synchronously so the copy always catches up), then the VM is switched onto the
    /// copies, and only then are the old volumes removed. A shut-off VM's volumes are copied by the host and its definition
    /// repointed. Whatever fails before the switch leaves the VM on its original disks and removes the partial copies.
    /// </summary>
    public sealed class StorageMigrationJob
    {
        private const long MiB = 1L << 20;
        private readonly StorageMigrationRequest request;
        private readonly IProgress<MigrationProgress>? progress;
        private readonly TimeSpan pollInterval;

        /// <summary>
        /// A switch or a definition update was sent (it may have happened even when its call failed): from then on only the
        /// VM's definitions say which file each disk uses. Before it, every copy is unused.
        /// </summary>
        private bool switchSent;

        public StorageMigrationJob(StorageMigrationRequest request, IProgress<MigrationProgress>? progress, TimeSpan pollInterval)
        {
            this.request = request;
            this.progress = progress;
            this.pollInterval = pollInterval;
        }

        private LocatedVM VM => request.VM;
        private IHostConnection Host => request.VM.Host.Connection;
        private string Name => request.VM.Guest.Name;

        // The state of one run, shared by its phases.
        private MigrationResult result = null!;
        private Stopwatch clock = null!;
        private DiskRelocation relocation = null!;
        private readonly List<DiskMove> started = new List<DiskMove>();

        /// <summary>Runs the move. Never throws for a failure of the move itself: the result carries it.</summary>
        public MigrationResult Run(CancellationToken cancellationToken)
        {
            clock = Stopwatch.StartNew();
            result = new MigrationResult
            {
                VMName = Name, Source = VM.Host.Name, Destination = VM.Host.Name, RunningOn = VM.Host.Name,
                Phase = MigrationPhase.Prepare, StartTime = DateTime.UtcNow,
            };
            var job = new PhasedJob<MigrationPhase>(Stopped, phase => result.Phase = phase);
            job.Phase(MigrationPhase.Prepare, token => Prepare(job, token))
               .Phase(MigrationPhase.PreCopy, token => { if (HasWork) Copy(token); })
               .Phase(MigrationPhase.Switchover, token => { if (HasWork) Switch(); })
               .Settle(MigrationPhase.Switchover, failure => { if (failure != null && relocation != null) GiveUp(job); })
               .Phase(MigrationPhase.Confirm, _ => { if (HasWork) Confirm(job); });
            Finish(job.Run(cancellationToken));
            // Every record ends, whatever the outcome: each disk's, then the VM's.
            foreach (var move in result.Disks)
            {
                progress?.Report(new MigrationProgress
                {
                    VMName = Name, Source = result.Source, Destination = result.Destination, Phase = result.Phase, Disk = move.Target, Completed = true,
                    PercentComplete = move.Switched ? 100 : 0, TransferredBytes = move.CopiedBytes, ElapsedMs = result.DurationMs,
                });
            }
            progress?.Report(new MigrationProgress
            {
                VMName = Name, Source = result.Source, Destination = result.Destination, Phase = result.Phase, Completed = true,
                PercentComplete = result.Status == MigrationStatus.Succeeded ? 100 : 0, TransferredBytes = result.TransferredBytes, ElapsedMs = result.DurationMs,
            });
            return result;
        }

        /// <summary>False when every disk asked for is in the target pool already: the move is Skipped.</summary>
        private bool HasWork => relocation.Moves.Count > 0;

        /// <summary>The guard against a second move of the VM, and where each disk goes (checked before anything changes).</summary>
        private void Prepare(PhasedJob<MigrationPhase> job, CancellationToken cancellationToken)
        {
            if (!ActiveMigrations.TryEnter(VM.Guest.Uuid, Name, VM.Host, VM.Host, storageOnly: true)) throw ActiveMigrations.AlreadyRunning(Name);
            job.OnEnd(() => ActiveMigrations.Leave(VM.Guest.Uuid));
            EnsureNoCopyRunning(cancellationToken);
            var planned = DiskRelocation.Plan(VM, VM.Host, request.DestinationStoragePool, request.Disks, request.DiskFormat);
            cancellationToken.ThrowIfCancellationRequested();
            relocation = planned;
            result.Disks = planned.Moves.ToList();
        }

        /// <summary>A copy job left on a disk (e.g. by a killed session) would make libvirt refuse a new one with a vaguer error.</summary>
        private void EnsureNoCopyRunning(CancellationToken cancellationToken)
        {
            if (!VM.Guest.Active) return;
            var host = VM.Host.CancellableConnection(cancellationToken);
            foreach (var disk in host.GetLiveGuestDefinition(Name).FileDisks)
            {
                if (host.GetDiskCopyProgress(Name, disk.Target) != null)
                    throw new MigrationException(ErrorIds.MigrationInProgress, ErrorKind.ResourceBusy,
                        $"Disk {disk.Target} of VM '{Name}' already has a copy job running (another move, or one left by a session that was killed). Cancel it with: virsh blockjob {Name} {disk.Target} --abort.", Name);
            }
        }

        /// <summary>
        /// Makes the copies: of a running VM live (each disk mirrored, guest writes reaching both copies, until all are in
        /// sync); of a shut-off one by the host, volume by volume.
        /// </summary>
        private void Copy(CancellationToken cancellationToken)
        {
            var moves = relocation.Moves;
            if (!VM.Guest.Active)
            {
                // The host copies each volume itself (converting the format when asked); the VM is off, so nothing writes meanwhile.
                foreach (var move in moves)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    relocation.CloneTargetVolume(move);
                    move.CopiedBytes = Host.FindStorageVolume(move.NewPath)?.AllocationBytes ?? 0;
                    result.TransferredBytes = moves.Sum(m => m.CopiedBytes);
                }
                return;
            }
            relocation.CreateTargetVolumes();
            var writeRate = new DiskWriteRate(Host, Name, moves.Select(m => m.Target).ToList());
            foreach (var move in moves)
            {
                Host.StartDiskCopy(Name, move.Target, move.NewPath, move.Format, request.BandwidthMBps * MiB, synchronousWrites: true);
                started.Add(move);
            }
            result.Escalations.Add(new MigrationEscalation
            {
                AtMs = clock.ElapsedMilliseconds, Action = "WriteBlocking",
                Detail = "guest writes reach both copies before they complete, so the copy catches up however fast the guest writes",
            });
            WaitUntilInSync(moves, writeRate, cancellationToken);
        }

        /// <summary>Switches the VM onto the copies: a running one disk by disk (the pause of each measured), a shut-off one by its definition.</summary>
        private void Switch()
        {
            var moves = relocation.Moves;
            if (!VM.Guest.Active)
            {
                if (IsRunningNow())
                {
                    // It runs from the original volumes now: repointing its definition would boot it next time from copies
                    // that miss everything it writes from here on.
                    throw new MigrationException(ErrorIds.VmStartedDuringMove, ErrorKind.InvalidOperation,
                        $"VM '{Name}' was started while its shut-off volumes were copied; it keeps running from its original disks and the copies were removed. Move it again: a running VM's disks move live.", Name, saysWhereVmRuns: true);
                }
                var definition = Host.GetGuestDefinition(Name);
                switchSent = true;
                Host.UpdateGuestDefinition(definition.WithDisksPlaced(relocation.Placements));
                foreach (var move in moves) move.Switched = true;
                return;
            }
            foreach (var move in moves)
            {
                TimeSpan? pause;
                try
                {
                    switchSent = true;
                    pause = Host.PivotDiskCopy(Name, move.Target, request.SwitchTimeout);
                }
                catch (MigrationException) when (RunsFrom(move.Target, move.NewPath))
                {
                    // The call failed (a reply lost, a time limit) but the switch happened: the VM runs from the copy.
                    // Its pause was not measured.
                    pause = null;
                }
                catch (MigrationException error)
                {
                    throw new MigrationException(ErrorIds.DiskSwitchFailed, ErrorKind.InvalidOperation,
                        $"Disk {move.Target} of VM '{Name}' could not be switched onto its copy ({error.Message}); it stays on '{move.OldPath}'." +
                        (moves.Any(m => m.Switched) ? $" Disks already switched: {string.Join(", ", moves.Where(m => m.Switched).Select(m => m.Target))}." : ""), Name, error);
                }
                move.SwitchPauseMs = pause.HasValue ? (long)Math.Ceiling(pause.Value.TotalMilliseconds) : (long?)null;
                move.Switched = true;
                move.CopiedBytes = Math.Max(move.CopiedBytes, 0);
            }
        }

        /// <summary>True when the VM is running (or paused) on its host now; a look-up that fails counts as running, the safe side.</summary>
        private bool IsRunningNow()
        {
            try
            {
                return Host.FindGuest(Name)?.Active ?? false;
            }
            catch (MigrationException)
            {
                return true;
            }
        }

        /// <summary>True when the running VM's live definition shows the disk on that file; false also when it cannot be read.</summary>
        private bool RunsFrom(string target, string path)
        {
            try
            {
                return Host.GetLiveGuestDefinition(Name).FileDisks
                    .Any(d => d.Target == target && d.Path == path);
            }
            catch (MigrationException)
            {
                return false;
            }
        }

        private void WaitUntilInSync(IReadOnlyList<DiskMove> moves, DiskWriteRate writeRate, CancellationToken cancellationToken)
        {
            var rates = moves.ToDictionary(m => m.Target, _ => new CopyRate());
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (clock.Elapsed > request.Timeout)
                {
                    throw new MigrationException(ErrorIds.StorageMoveTimedOut, ErrorKind.OperationTimeout,
                        $"The disks of VM '{Name}' were not copied within -TimeoutSec {request.Timeout.TotalSeconds:0} ({moves.Sum(m => m.CopiedBytes) / (double)MiB:0} MiB copied); the copy was cancelled and the VM keeps its original disks. Allow more time or more bandwidth.", Name);
                }
                var inSync = true;
                var writing = writeRate.Sample();
                long? untilInSyncMs = 0;
                foreach (var move in moves)
                {
                    var copy = Host.GetDiskCopyProgress(Name, move.Target) ?? throw new MigrationException(ErrorIds.DiskCopyFailed, ErrorKind.InvalidResult,
                        $"The copy of disk {move.Target} of VM '{Name}' to '{move.NewPath}' ended before it was complete (the hypervisor failed or cancelled it; its log says why); the VM keeps its original disks.", Name);
                    move.CopiedBytes = copy.CopiedBytes;
                    inSync &= copy.InSync;
                    var copyRate = rates[move.Target].Observe(copy.CopiedBytes, clock.ElapsedMilliseconds);
                    var guestRate = writing.TryGetValue(move.Target, out var w) ? w : 0;
                    var remainingMs = PredictRemainingMs(copy, copyRate, guestRate);
                    untilInSyncMs = remainingMs == null || untilInSyncMs == null ? null : Math.Max(untilInSyncMs.Value, remainingMs.Value);
                    Report(result, move, copy, copyRate, guestRate, remainingMs, clock.ElapsedMilliseconds);
                }
                result.TransferredBytes = moves.Sum(m => m.CopiedBytes);
                if (inSync) return;
                // Near the end, look again when the copies should be in sync rather than a whole poll later.
                var wait = untilInSyncMs.HasValue ? Math.Max(MinimumPollMs, Math.Min((long)pollInterval.TotalMilliseconds, untilInSyncMs.Value)) : (long)pollInterval.TotalMilliseconds;
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(wait));
            }
        }

        /// <summary>
        /// The VM runs (or will start) from the new files: checked against its live and persistent definitions before any
        /// old volume is removed. A definition libvirt did not update itself is updated here.
        /// </summary>
        private void Confirm(PhasedJob<MigrationPhase> job)
        {
            var notes = new List<string>();
            var confirmed = FollowDefinitions(relocation, notes);
            if (confirmed)
            {
                notes.AddRange(relocation.DeleteSourceVolumes());
            }
            job.Problems(notes);
            if (!confirmed || relocation.Moves.Any(m => !m.Switched))
            {
                // Nothing the VM might use was removed: both files of every unconfirmed disk are still there.
                throw new MigrationException(ErrorIds.DiskSwitchFailed, ErrorKind.InvalidResult,
                    $"Not every disk of VM '{Name}' was confirmed on its new volume; both the old and the new file of each such disk were kept. See which files it uses with 'virsh domblklist {Name}', then remove the ones it does not.", Name);
            }
        }

        /// <summary>
        /// The VM's definitions, not our bookkeeping, say which file each disk uses: for a running VM a disk counts as
        /// switched when its live definition names the copy (a switch whose call timed out may still have happened), and
        /// the persistent definition is made to name the same files, so the next boot does too; for a shut-off VM the
        /// persistent definition alone decides. Returns false when they
        /// could not be read or written: then no volume may be removed.
        /// </summary>
        private bool FollowDefinitions(DiskRelocation relocation, List<string> notes)
        {
            try
            {
                // Its state now, not when the move began: a shut-off VM may have been started meanwhile.
                var running = VM.Guest.Active || IsRunningNow();
                if (running)
                {
                    var live = Host.GetLiveGuestDefinition(Name).FileDisks;
                    foreach (var move in relocation.Moves)
                    {
                        var onCopy = live.Any(d => d.Target == move.Target && d.Path == move.NewPath);
                        if (move.Switched && !onCopy)
                        {
                            notes.Add($"disk {move.Target} does not show '{move.NewPath}' after the switch, so '{move.OldPath}' was kept");
                        }
                        move.Switched = onCopy;
                    }
                }
                var definition = Host.GetGuestDefinition(Name);
                var persistent = definition.FileDisks;
                if (!running)
                {
                    // A shut-off VM uses what its definition names (an update whose call timed out may still have landed).
                    foreach (var move in relocation.Moves) move.Switched = persistent.Any(d => d.Target == move.Target && d.Path == move.NewPath);
                }
                // A disk attached to the running VM only has no persistent entry to repoint.
                var stale = relocation.Moves.Where(m => m.Switched && persistent.Any(d => d.Target == m.Target) && !persistent.Any(d => d.Target == m.Target && d.Path == m.NewPath)).ToList();
                if (stale.Count > 0)
                {
                    Host.UpdateGuestDefinition(definition.WithDisksPlaced(stale.Select(m => new DiskPlacement(m.Target, m.NewPath, m.Format))));
                }
                return true;
            }
            catch (MigrationException error)
            {
                notes.Add($"the VM's definitions could not be checked ({error.Message}), so no volume was removed: compare 'virsh domblklist {Name}' with {string.Join(", ", relocation.Moves.Select(m => $"'{m.OldPath}' / '{m.NewPath}'"))} and remove the files it does not name");
                return false;
            }
        }

        /// <summary>
        /// Cancels the copies still running (<paramref name="running"/>), removes every copy the VM was not switched onto;
        /// those disks stay on their original volumes. Disks already switched keep their copies and lose their old volumes.
        /// </summary>
        private void GiveUp(PhasedJob<MigrationPhase> job)
        {
            var notes = new List<string>();
            foreach (var move in started.Where(m => !m.Switched))
            {
                try
                {
                    Host.CancelDiskCopy(Name, move.Target);
                }
                catch (MigrationException error) when (HostCallGate.DidNotAnswer(error))
                {
                    // In flight or queued: it reaches the host before the deletion of the copy, which is queued behind it.
                }
                catch (MigrationException error)
                {
                    relocation.KeepCopy(move);
                    notes.Add($"could not cancel the copy of disk {move.Target} ({error.Message}), so '{move.NewPath}' was kept: end it with 'virsh blockjob {Name} {move.Target} --abort', then remove that file");
                }
            }
            if (!switchSent || FollowDefinitions(relocation, notes))
            {
                notes.AddRange(relocation.DeleteUnusedCopies());
                notes.AddRange(relocation.DeleteSourceVolumes());
            }
            job.Problems(notes);
        }

        private const long MinimumPollMs = 20;

        private static long? PredictRemainingMs(DiskCopyProgress copy, long copyRate, long writeRate) =>
            copy.InSync ? 0 : copyRate > writeRate ? copy.RemainingBytes * 1000 / (copyRate - writeRate) : (long?)null;

        private void Report(MigrationResult result, DiskMove move, DiskCopyProgress copy, long copyRate, long writeRate, long? remainingMs, long elapsedMs)
        {
            progress?.Report(new MigrationProgress
            {
                VMName = Name, Source = result.Source, Destination = result.Destination, Phase = result.Phase, Disk = move.Target,
                PercentComplete = copy.TotalBytes > 0 ? (int)Math.Min(99, copy.CopiedBytes * 100 / copy.TotalBytes) : 0,
                TransferredBytes = copy.CopiedBytes, RemainingBytes = copy.RemainingBytes,
                TransferRateBytesPerSec = copyRate, DirtyRateBytesPerSec = writeRate, ElapsedMs = elapsedMs,
                PredictedRemainingMs = remainingMs,
            });
        }

        private MigrationException Stopped(MigrationPhase phase) => new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
            $"The storage move of VM '{Name}' was stopped by the user during {phase}; the copy was cancelled and the VM keeps its original disks.", Name);

        private void Finish(JobOutcome<MigrationPhase> outcome)
        {
            var skipped = outcome.Finished && !HasWork;
            if (skipped)
            {
                result.Message = $"The disks of VM '{Name}' ({string.Join(", ", relocation.AlreadyInPlace)}) are in storage pool '{request.DestinationStoragePool}' already; nothing was copied.";
            }
            result.Status = skipped ? MigrationStatus.Skipped : outcome.Status;
            result.Phase = outcome.Finished ? MigrationPhase.Completed : outcome.Phase;
            result.EndTime = DateTime.UtcNow;
            result.DurationMs = clock.ElapsedMilliseconds;
            if (relocation != null && HasWork)
            {
                result.SwitchPauseMs = relocation.Moves.Max(m => m.SwitchPauseMs);
                result.TransferredBytes = relocation.Moves.Sum(m => m.CopiedBytes);
            }
            result.ErrorId = outcome.Failure?.ErrorId;
            result.Message = outcome.Message(result.Message);
            if (outcome.End == JobEnd.FinishedWithProblems) result.Warning ??= outcome.ProblemsText;
        }

        /// <summary>A copy's rate over the last quarter second or more.</summary>
        private sealed class CopyRate
        {
            private long lastBytes = -1;
            private long lastMs;
            private long rate;

            public long Observe(long bytes, long nowMs)
            {
                if (lastBytes < 0)
                {
                    lastBytes = bytes;
                    lastMs = nowMs;
                }
                else if (nowMs - lastMs >= 250)
                {
                    rate = Math.Max(0, (bytes - lastBytes) * 1000 / (nowMs - lastMs));
                    lastBytes = bytes;
                    lastMs = nowMs;
                }
                return rate;
            }
        }
    }
}
