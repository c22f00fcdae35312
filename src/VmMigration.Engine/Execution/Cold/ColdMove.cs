using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Phases;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Cold
{
    /// <summary>
    /// Moves a shut-off VM with its disks. Each disk volume is copied into the destination's pool of the same name (same
    /// volume name, byte for byte, so the same format and size), the VM is defined on the destination on those copies and
    /// undefined on the source, and only then are the source volumes deleted. Until the definition has left the source,
    /// any failure deletes what the move made on the destination: the VM is never defined on two hosts and never loses
    /// its disks. Disks that cannot move that way (see <see cref="ColdMoveDisks"/>) are refused with ColdMoveNeedsStorage.
    /// </summary>
    public sealed class ColdMove
    {
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;
        private readonly GuestInfo guest;
        private readonly Action<MigrationProgress>? report;
        private readonly Action<IReadOnlyList<ColdCopy>>? copying;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly CreatedVolumes created;
        private readonly List<DiskPlacement> copies = new List<DiskPlacement>();
        private GuestDefinition definition = null!;
        private ColdMoveDisks disks = null!;
        private long copiedBytes;
        private IReadOnlyList<string> copiesLeft = Array.Empty<string>();
        private readonly List<string> sourceVolumesKept = new List<string>();

        /// <summary>A define was sent to the destination (it may have happened even when its call failed).</summary>
        private bool defineSent;

        /// <summary>The define on the destination returned.</summary>
        private bool defined;

        /// <summary>The VM is defined on the destination on its complete copies, and that definition is the one to keep.</summary>
        private bool keptOnDestination;

        /// <summary>The removal from the source was not answered (it may still land): <see cref="RemovalInDoubt"/>.</summary>
        private MigrationException? removalUnanswered;

        private ColdMove(ConnectedHost source, ConnectedHost destination, GuestInfo guest, Action<MigrationProgress>? report, Action<IReadOnlyList<ColdCopy>>? copying)
        {
            this.source = source;
            this.destination = destination;
            this.guest = guest;
            this.report = report;
            this.copying = copying;
            created = new CreatedVolumes(destination);
        }

        /// <param name="report">progress, a few times a second while disks are copied, and once Completed at the end</param>
        /// <param name="copying">told the destination paths of the copies before the first is made, so that a run killed
        /// meanwhile can be settled later (<see cref="SettleInterrupted"/>)</param>
        public static MigrationResult Run(ConnectedHost source, ConnectedHost destination, GuestInfo guest, CancellationToken cancellationToken,
            Action<MigrationProgress>? report = null, Action<IReadOnlyList<ColdCopy>>? copying = null) =>
            new ColdMove(source, destination, guest, report, copying).Run(cancellationToken);

        private MigrationResult Run(CancellationToken cancellationToken)
        {
            ColdMoveProgress? progress = null;
            var job = new PhasedJob<MigrationPhase>(_ => new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped, $"The cold move of '{guest.Name}' was stopped.", guest.Name));
            job.Phase(MigrationPhase.Prepare, token =>
                {
                    definition = source.CancellableConnection(token).GetGuestDefinition(guest.Name);
                    disks = ColdMoveDisks.Check(source, destination, guest, definition, token);
                    if (disks.Refusal != null) return;
                    progress = new ColdMoveProgress(guest.Name, source.Name, destination.Name, disks.Disks.Sum(d => d.Volume.AllocationBytes), report);
                    job.OnEnd(() => progress.Completed(copiedBytes));
                })
               .Phase(MigrationPhase.PreCopy, token => { if (disks.Refusal == null) CopyDisks(progress!, token); })
               .Phase(MigrationPhase.Switchover, token => { if (disks.Refusal == null) MoveDefinition(token); })
               .Settle(MigrationPhase.Switchover, failure => { if (failure != null && !keptOnDestination) TakeBack(); })
               .Phase(MigrationPhase.Confirm, _ => { if (disks.Refusal == null) DeleteSourceVolumes(); });
            return Result(job.Run(cancellationToken));
        }

        private void CopyDisks(ColdMoveProgress progress, CancellationToken cancellationToken)
        {
            if (disks.Disks.Count > 0)
            {
                copying?.Invoke(disks.Disks.Where(d => d.DestinationPath != null).Select(d => new ColdCopy { Source = d.Volume.Path, Copy = d.DestinationPath! }).ToList());
            }
            foreach (var disk in disks.Disks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var before = copiedBytes;
                var copy = CrossHostVolumeCopy.Copy(source.Connection, disk.Volume, destination.Connection, disk.Volume.PoolName, disk.Volume.Name,
                    created, cancellationToken, done => progress.Copied(before + done), out var dataBytes);
                copiedBytes += dataBytes;
                copies.Add(new DiskPlacement(disk.Disk.Target, copy.Path, disk.Disk.Format));
            }
        }

        /// <summary>Defines the VM on the destination on its copies, then removes it from the source.</summary>
        private void MoveDefinition(CancellationToken cancellationToken)
        {
            var moved = definition.WithDisksPlaced(copies);
            // From here on a stop request is not honoured (the connection never gives up a change on one): a call
            // that completed but was reported cancelled would leave the VM defined on both hosts or on neither.
            cancellationToken.ThrowIfCancellationRequested();
            defineSent = true;
            destination.Connection.DefineGuest(moved);
            defined = true;
            try
            {
                source.Connection.UndefineGuest(guest.Name);
            }
            catch (MigrationException) when (IsDefinedThere(source, guest) == false)
            {
                // The removal timed out but happened: the VM is on the destination only, as intended.
            }
            catch (MigrationException removal) when (HostCallGate.DidNotAnswer(removal))
            {
                // The removal may still land: taking back the destination's definition now could leave the VM defined
                // nowhere. Its definition on the destination, on complete copies, is the one to keep.
                keptOnDestination = true;
                removalUnanswered = removal;
                throw;
            }
            keptOnDestination = true;
        }

        /// <summary>
        /// The definition has not left the source, whose disks are untouched: takes back all this move made. A define
        /// that timed out may still have happened; the VM's UUID tells ours from another VM of the same name.
        /// </summary>
        private void TakeBack()
        {
            if (defined || (defineSent && IsDefinedThere(destination, guest) == true))
            {
                BestEffort(() => destination.Connection.UndefineGuest(guest.Name));
            }
            copiesLeft = created.DeleteAll();
        }

        /// <summary>The VM is defined on the destination only, on its copies: now the originals may go (whatever the token says).</summary>
        private void DeleteSourceVolumes()
        {
            foreach (var disk in disks.Disks)
            {
                try
                {
                    source.Connection.DeleteStorageVolume(disk.Volume.Path);
                }
                catch (MigrationException)
                {
                    sourceVolumesKept.Add(disk.Volume.Path);
                }
            }
        }

        private MigrationResult Result(JobOutcome<MigrationPhase> outcome)
        {
            if (removalUnanswered != null) return RemovalInDoubt(removalUnanswered);
            if (outcome.Failure != null)
            {
                return outcome.Stopped
                    ? Outcome(MigrationStatus.Aborted, ErrorIds.MigrationAborted, 0,
                        $"The cold move of '{guest.Name}' was stopped before it finished; it stays defined on '{source.Name}' with its disks, and {TakenBack(destination, copiesLeft)}.")
                    : Outcome(MigrationStatus.Failed, outcome.Failure.ErrorId, 0,
                        $"Cold move of '{guest.Name}' failed; it stays defined on '{source.Name}' with its disks, and {TakenBack(destination, copiesLeft)}: {outcome.Failure.Message}");
            }
            if (disks.Refusal != null)
            {
                return Outcome(MigrationStatus.Skipped, ErrorIds.ColdMoveNeedsStorage, 0,
                    $"VM '{guest.Name}' is shut off and cannot move cold to '{destination.Name}' with its disks: {disks.Refusal} It stays on '{source.Name}'.");
            }
            var carried = disks.Disks.Count == 0 ? "its definition" : $"its definition and {disks.Disks.Count} disk(s) ({copiedBytes / 1048576.0:0.#} MiB of data)";
            var notDeleted = sourceVolumesKept.Count == 0 ? "" : $" The source volume(s) {string.Join(", ", sourceVolumesKept.Select(p => $"'{p}'"))} could not be deleted from '{source.Name}' and are no longer used: delete them by hand.";
            var result = Outcome(MigrationStatus.Succeeded, null, copiedBytes,
                $"VM '{guest.Name}' is shut off: {carried} moved from '{source.Name}' to '{destination.Name}' (cold move).{notDeleted}");
            if (sourceVolumesKept.Count > 0) result.Warning = notDeleted.Trim();
            return result;
        }

        /// <summary>
        /// Settles a cold move whose run was killed while it copied (<paramref name="copies"/> as journaled before the first
        /// copy): the VM only on its source keeps it, and the copies made so far are deleted (null: the move is still to do);
        /// the VM defined on the destination (its copies were complete before the define) finishes moving: its definition
        /// leaves the source, then the source volumes go (a Failed result that says what to run when that removal fails).
        /// Null too when the hosts cannot be asked: the copies stay, named in the refusal the next try meets.
        /// </summary>
        public static MigrationResult? SettleInterrupted(ConnectedHost source, ConnectedHost destination, GuestInfo guest, IReadOnlyList<ColdCopy> copies)
        {
            try
            {
                var onDestination = destination.Connection.FindGuest(guest.Uuid) != null;
                var onSource = source.Connection.FindGuest(guest.Uuid) != null;
                if (!onDestination)
                {
                    foreach (var copy in copies.Where(c => destination.Connection.FindStorageVolume(c.Copy) != null))
                    {
                        destination.Connection.DeleteStorageVolume(copy.Copy);
                    }
                    return null;
                }
                if (onSource)
                {
                    try
                    {
                        source.Connection.UndefineGuest(guest.Name);
                    }
                    catch (MigrationException error)
                    {
                        // Not planned again: a new cold move would be refused over the copies its definition on the destination uses.
                        var both = UnmovedResult.Create(guest.Name, source.Name, destination.Name, destination.Name, MigrationStatus.Failed, error.ErrorId,
                            $"VM '{guest.Name}' (shut off) is defined on '{source.Name}' and on '{destination.Name}': the previous run was killed after defining it on its complete copies there, and its removal from '{source.Name}' failed now: {error.Message} " +
                            $"Keep the copy on '{destination.Name}' and remove the old one: virsh undefine {guest.Name} on '{source.Name}', then delete its volumes there ({string.Join(", ", copies.Select(c => c.Source))}).");
                        both.Phase = MigrationPhase.Confirm;
                        return both;
                    }
                }
                var kept = new List<string>();
                foreach (var copy in copies.Where(c => source.Connection.FindStorageVolume(c.Source) != null))
                {
                    var failure = CreatedVolumes.TryDelete(source, copy.Source);
                    if (failure != null) kept.Add(failure);
                }
                var notDeleted = kept.Count == 0 ? "" : $" Not every source volume could be deleted ({string.Join("; ", kept)}); nothing uses them: delete them by hand.";
                var result = UnmovedResult.Create(guest.Name, source.Name, destination.Name, destination.Name, MigrationStatus.Succeeded, null,
                    $"VM '{guest.Name}' (shut off) finished its cold move to '{destination.Name}' after the previous run was gone: its copies were complete and defined there.{notDeleted}");
                result.Phase = MigrationPhase.Completed;
                return result;
            }
            catch (MigrationException)
            {
                return null;
            }
        }

        /// <summary>
        /// The VM is defined on the destination on its complete copies, and its removal from the source was not answered: it
        /// may still land (then the move is done) or not (then the VM is defined twice, shut off): said, with what to do.
        /// </summary>
        private MigrationResult RemovalInDoubt(MigrationException removal)
        {
            var volumes = disks.Disks.Count == 0 ? "" : $", then delete its volumes there ({string.Join(", ", disks.Disks.Select(d => d.Volume.Path))})";
            var result = UnmovedResult.Create(guest.Name, source.Name, destination.Name, destination.Name, MigrationStatus.Failed, removal.ErrorId,
                $"VM '{guest.Name}' (shut off) is defined on '{destination.Name}' on its complete copies, and its removal from '{source.Name}' was not answered: {removal.Message} " +
                $"If '{source.Name}' still has it once it answers (virsh list --all), keep the copy on '{destination.Name}' and remove the old one: virsh undefine {guest.Name} on '{source.Name}'{volumes}.");
            result.Phase = MigrationPhase.Confirm;
            result.DurationMs = clock.ElapsedMilliseconds;
            result.TransferredBytes = copiedBytes;
            return result;
        }

        /// <summary>What became of the copies on the destination after a failure, as the end of a sentence.</summary>
        private static string TakenBack(ConnectedHost destination, IReadOnlyList<string> leftOver) => leftOver.Count == 0
            ? $"what the move made on '{destination.Name}' was removed"
            : $"some copies stay on '{destination.Name}' ({string.Join("; ", leftOver)}; delete them by hand)";

        /// <summary>Whether this VM (by UUID, so not another of the same name) is defined on the host; null when the host does not say.</summary>
        private static bool? IsDefinedThere(ConnectedHost host, GuestInfo guest)
        {
            try
            {
                return host.Connection.FindGuest(guest.Uuid) != null;
            }
            catch (MigrationException)
            {
                return null;
            }
        }

        private static void BestEffort(Action step)
        {
            try
            {
                step();
            }
            catch (MigrationException)
            {
                // Clean-up goes on with the next step; the result reports the failure that started it.
            }
        }

        private MigrationResult Outcome(MigrationStatus status, string? errorId, long transferredBytes, string message)
        {
            var result = UnmovedResult.Create(guest.Name, source.Name, destination.Name, status == MigrationStatus.Succeeded ? destination.Name : source.Name, status, errorId, message);
            result.Phase = status == MigrationStatus.Succeeded ? MigrationPhase.Completed : MigrationPhase.Prepare;
            result.DurationMs = clock.ElapsedMilliseconds;
            result.TransferredBytes = transferredBytes;
            return result;
        }
    }
}
