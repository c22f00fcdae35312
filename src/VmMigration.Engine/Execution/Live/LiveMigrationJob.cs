using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Execution.Phases;
using VmMigration.Execution.Storage;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// One live migration as a job with named phases: Prepare (checks), PreCopy (memory streams while the guest runs,
    /// steered by the <see cref="ConvergenceController"/>), Switchover, Confirm. Whatever happens, the cleanup settles the
    /// VM so that it runs on exactly one host and is defined on exactly one host, and the result says which and why.
    /// </summary>
    public sealed class LiveMigrationJob
    {
        private readonly LiveMigrationRequest request;
        private readonly IProgress<MigrationProgress>? progress;
        private readonly TimeSpan pollInterval;

        public LiveMigrationJob(LiveMigrationRequest request, IProgress<MigrationProgress>? progress, TimeSpan pollInterval)
        {
            this.request = request;
            this.progress = progress;
            this.pollInterval = pollInterval;
        }

        /// <summary>Runs the migration. Never throws for a failure of the move itself: the result carries it.</summary>
        public MigrationResult Run(CancellationToken cancellationToken)
        {
            var result = RunPhases(cancellationToken);
            // Every migration ends its progress record, whatever the outcome, so no bar is left behind.
            progress?.Report(new MigrationProgress
            {
                VMName = result.VMName, Source = result.Source, Destination = result.Destination, Phase = result.Phase,
                PercentComplete = result.Status == MigrationStatus.Succeeded ? 100 : 0, TransferredBytes = result.TransferredBytes,
                ElapsedMs = result.DurationMs, Completed = true,
            });
            return result;
        }

        private MigrationResult RunPhases(CancellationToken cancellationToken)
        {
            var source = request.VM.Host;
            clock = Stopwatch.StartNew();
            result = new MigrationResult
            {
                VMName = Name,
                Source = source.Name,
                Destination = request.Destination.Name,
                Strategy = request.Strategy,
                Phase = MigrationPhase.Prepare,
                RunningOn = source.Name,
                StartTime = DateTime.UtcNow,
            };
            var job = new PhasedJob<MigrationPhase>(phase => Stopped(Name, phase), phase => result.Phase = phase);
            job.Phase(MigrationPhase.Prepare, token => Prepare(job, token))
               .Phase(MigrationPhase.PreCopy, token => Transfer(job, token))
               .Settle(MigrationPhase.Confirm, failure => Confirm(job, failure));
            return Finish(job.Run(cancellationToken));
        }

        private string Name => request.VM.Guest.Name;

        // The state of one run, shared by its phases.
        private MigrationResult result = null!;
        private Stopwatch clock = null!;
        private ConvergenceController controller = null!;
        private LiveMigrationParameters parameters = null!;
        private Task<JobProgress>? migration;
        private JobProgress? completedJob;

        /// <summary>Checks, the guard against a second move of the VM, the convergence plan, and the target volumes of its disks.</summary>
        private void Prepare(PhasedJob<MigrationPhase> job, CancellationToken cancellationToken)
        {
            var source = request.VM.Host;
            var destination = request.Destination;
            var reasons = MigrationPreflight.Check(request, cancellationToken);
            if (reasons.Count > 0) throw reasons[0];
            if (!ActiveMigrations.TryEnter(request.VM.Guest.Uuid, Name, source, destination, storageOnly: false)) throw ActiveMigrations.AlreadyRunning(Name);
            job.OnEnd(() => ActiveMigrations.Leave(request.VM.Guest.Uuid));

            controller = new ConvergenceController(request);
            if (request.Strategy == MigrationStrategy.Auto)
            {
                result.DirtyRateMBps = request.KnownDirtyRateMBps ?? (request.MeasureDirtyRate ? MeasureDirtyRate(Name) : null);
            }
            // What the convergence model expects of this move, kept beside what happens (a governed run replaces it with
            // its own, made at the share of the run's budget the move was given).
            result.Prediction = MigrationPrediction.Of(request.VM.Guest.MemoryMB, result.DirtyRateMBps ?? 0,
                request.TransferBandwidthMBps ?? request.BandwidthMBps, request.MaxDowntimeMs);
            parameters = controller.InitialParameters(request.MigrationUri, result.DirtyRateMBps, SourceFreeMemoryMB);
            if (controller.DeltaCompressionReason != null)
            {
                result.Escalations.Add(new MigrationEscalation { AtMs = 0, Action = "DeltaCompression", Detail = controller.DeltaCompressionReason });
            }

            if (request.MovesStorage)
            {
                var planned = DiskRelocation.Plan(request.VM, destination, request.DestinationStoragePool, request.Disks, request.DiskFormat);
                cancellationToken.ThrowIfCancellationRequested();
                planned.CreateTargetVolumes();
                // After Confirm has found where the VM runs: the disks follow it.
                job.OnEnd(() => SettleDisks(job, planned));
                parameters.CopyStorage = true;
                parameters.DiskPlacements = planned.Placements;
                result.Disks = planned.Moves.ToList();
            }

            parameters.Encrypted = MigrationTls.StartsEncrypted(request.Encryption, source, destination, out var knownUnable);
            result.Encrypted = parameters.Encrypted;
            if (knownUnable != null) result.Message = result.Warning = MigrationTls.FellBack(source, destination, knownUnable);
        }

        /// <summary>
        /// The hypervisor's migration call, watched: memory streams while the guest runs, steered by the controller, until
        /// the call ends (the switch-over included). Throws when it did not complete; the VM is settled by Confirm.
        /// </summary>
        private void Transfer(PhasedJob<MigrationPhase> job, CancellationToken cancellationToken)
        {
            var source = request.VM.Host;
            var name = Name;
            var startedAt = clock.ElapsedMilliseconds;
            var call = DedicatedThread.Start(() => MigrateEncryptedIfAsked(name, parameters, result));
            migration = call;
            JobProgress? last = null;
            MigrationException? abortReason = null;
            var lastAdvanceAt = clock.ElapsedMilliseconds;
            long lastProcessed = -1;
            long? abortedAt = null;
            var abortDelivered = false;
            var incomingCopyDestroyed = false;
            var sourceSilent = false;

            while (!HasEnded(call, pollInterval))
            {
                var elapsed = clock.ElapsedMilliseconds - startedAt;
                if (abortReason == null && cancellationToken.IsCancellationRequested)
                {
                    abortReason = Stopped(name, result.Phase);
                    abortDelivered = TryAbort(name);
                    continue;
                }
                if (abortReason != null)
                {
                    abortedAt = abortedAt ?? clock.ElapsedMilliseconds;
                    // An abort that found no job (the migration was still opening its connection to the destination) is
                    // asked again each poll until the job exists to take it.
                    abortDelivered = abortDelivered || TryAbort(name);
                    if (!incomingCopyDestroyed && clock.ElapsedMilliseconds - abortedAt.Value > AbortGrace.TotalMilliseconds && !controller.PostCopyStarted)
                    {
                        incomingCopyDestroyed = DestroyIncomingCopy(name, result, clock.ElapsedMilliseconds - startedAt);
                    }
                    if (sourceSilent && clock.ElapsedMilliseconds - abortedAt.Value > AbortGrace.TotalMilliseconds)
                    {
                        // The source drives the migration and does not answer: nothing here can end its call. The abort is
                        // queued for when it answers; the outcome is read from the hosts below, as far as they tell.
                        break;
                    }
                    continue;
                }

                var sample = TryGetProgress(name, out var silence);
                if (silence != null)
                {
                    sourceSilent = true;
                    abortReason = silence.Retold(
                        $"{silence.Message} The migration of VM '{name}' was asked to abort (the request reaches '{source.Name}' as soon as it answers).");
                    abortDelivered = TryAbort(name);
                    continue;
                }
                if (sample == null)
                {
                    continue;
                }
                last = sample;
                if (sample.DataProcessed > 0) memoryLeftSource = true;
                if (sample.DataProcessed != lastProcessed)
                {
                    lastProcessed = sample.DataProcessed;
                    lastAdvanceAt = clock.ElapsedMilliseconds;
                }
                else if (clock.ElapsedMilliseconds - lastAdvanceAt > request.StallTimeout.TotalMilliseconds && !controller.PostCopyStarted)
                {
                    abortReason = new MigrationException(ErrorIds.MigrationStalled, ErrorKind.OperationTimeout,
                        $"Migration of VM '{name}' to '{request.Destination.Name}' made no progress for {request.StallTimeout.TotalSeconds:0} s (the destination may be frozen or the link down); it was aborted and the VM keeps running on '{source.Name}'.", name, saysWhereVmRuns: true);
                    abortDelivered = TryAbort(name);
                    continue;
                }

                var decision = controller.Decide(sample, elapsed);
                abortReason = Apply(decision, name, result, elapsed);
                if (abortReason != null)
                {
                    abortDelivered = TryAbort(name);
                }
                if (controller.PostCopyStarted)
                {
                    job.Advance(MigrationPhase.Switchover);
                }
                Report(result, sample, elapsed, controller);
            }

            result.MaxThrottlePercent = Math.Max(controller.MaxThrottlePercent, last?.AutoConvergeThrottlePercent ?? 0);
            if (last != null)
            {
                result.TransferredBytes = last.DataProcessed;
                result.Iterations = last.MemoryIteration;
                result.PredictedDowntimeMs = ConvergenceController.PredictDowntimeMs(last);
            }

            if (!call.IsCompleted)
            {
                // Given up on above: the source has not answered.
                call.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw abortReason!;
            }

            if (call.IsFaulted)
            {
                var failure = call.Exception!.InnerException as MigrationException
                    ?? new MigrationException(ErrorIds.MigrationFailed, ErrorKind.NotSpecified, call.Exception.InnerException!.Message, name, call.Exception.InnerException);
                if (abortReason != null) throw new JobStopped(abortReason);
                if (failure.ErrorId == ErrorIds.MigrationAborted)
                {
                    throw new JobStopped(new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
                        $"Migration of VM '{name}' was aborted by someone else (the hypervisor job was cancelled); the VM keeps running on '{source.Name}'.", name, failure, saysWhereVmRuns: true));
                }
                throw failure;
            }

            var completed = call.Result;
            completedJob = completed;
            result.DowntimeMs = completed.DowntimeMs;
            if (completed.DowntimeMs.HasValue && !controller.PostCopyStarted)
            {
                SwitchoverOverhead.Shared.Observe(source, request.Destination, completed.DowntimeMs.Value, controller.CurrentDowntimeLimitMs);
                if (completed.DowntimeMs.Value > request.MaxDowntimeMs)
                {
                    result.Message = (result.Message == null ? "" : result.Message + " ") + $"The pause at the switch was {completed.DowntimeMs.Value} ms, over -MaxDowntimeMs {request.MaxDowntimeMs}: the hosts added {completed.DowntimeMs.Value - controller.CurrentDowntimeLimitMs} ms beyond QEMU's downtime limit. Later moves between '{source.Name}' and '{request.Destination.Name}' budget for it.";
                }
            }
            result.TransferredBytes = completed.DataProcessed > 0 ? completed.DataProcessed : completed.MemoryProcessed + completed.DiskProcessed;
            result.Iterations = Math.Max(result.Iterations, completed.MemoryIteration);
            result.MaxThrottlePercent = Math.Max(result.MaxThrottlePercent, completed.AutoConvergeThrottlePercent);
        }

        /// <summary>
        /// Runs once the migration call was made, whether it completed or not: finds where the VM runs and removes the copy
        /// on the host it does not run on (<see cref="Settle"/>); after a completed call, the destination must confirm it.
        /// </summary>
        private void Confirm(PhasedJob<MigrationPhase> job, MigrationException? failure)
        {
            if (migration == null) return; // nothing left the source: the VM runs there, untouched
            Settle(job);
            if (failure == null && result.RunningOn != request.Destination.Name)
            {
                throw new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidResult,
                    $"The hypervisor reported VM '{Name}' migrated, but '{request.Destination.Name}' does not confirm it runs there.", Name);
            }
        }

        /// <summary>Set by the polling loop once a sample shows data on its way: from then on no failure is a set-up failure.</summary>
        private volatile bool memoryLeftSource;

        /// <summary>
        /// The migration call. A TLS move that fails because TLS cannot be set up has moved nothing (the destination's
        /// QEMU refused its certificates while preparing): Required ends there, Auto moves again in the clear, at once.
        /// </summary>
        private JobProgress MigrateEncryptedIfAsked(string name, LiveMigrationParameters parameters, MigrationResult result)
        {
            var source = request.VM.Host;
            try
            {
                return source.Connection.MigrateLive(name, request.Destination.Uri.ForConnecting, parameters);
            }
            catch (MigrationException error) when (parameters.Encrypted && !memoryLeftSource && MigrationTls.IsSetupFailure(error))
            {
                MigrationTls.RecordUnable(source, request.Destination, error.Message);
                if (request.Encryption == MigrationEncryption.Required)
                {
                    result.Encrypted = null; // nothing crossed the network
                    throw MigrationTls.Unavailable(name, source, request.Destination, error.Message);
                }
                parameters.Encrypted = false;
                result.Encrypted = false;
                result.Message = result.Warning = MigrationTls.FellBack(source, request.Destination, error.Message);
                return source.Connection.MigrateLive(name, request.Destination.Uri.ForConnecting, parameters);
            }
        }

        /// <summary>
        /// How long an aborted job may take to wind down before the destination is presumed stuck (a frozen QEMU keeps
        /// the destination's libvirtd, and so the source's job, waiting forever).
        /// </summary>
        public static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Ends an aborted migration that the destination keeps from ending: destroys the destination's incoming copy,
        /// which libvirt does by killing that QEMU first and so wakes every thread waiting on it. Only while the source
        /// still runs the VM in pre-copy: before the switch the incoming copy holds nothing the source does not.
        /// </summary>
        private bool DestroyIncomingCopy(string name, MigrationResult result, long elapsed)
        {
            if (!DestroyIncomingCopy(request.VM.Host, request.Destination, request.VM.Guest.Uuid, name)) return false;
            result.Escalations.Add(new MigrationEscalation { AtMs = elapsed, Action = "DestroyIncomingCopy", Detail = $"the abort did not end within {AbortGrace.TotalSeconds:0} s; the destination's paused incoming copy was destroyed" });
            return true;
        }

        /// <summary>
        /// Destroys the destination's incoming copy of an aborted migration that does not end, only while the source runs
        /// the VM (pre-copy); false when the source does not, or the destination refused.
        /// </summary>
        internal static bool DestroyIncomingCopy(ConnectedHost source, ConnectedHost destination, string uuid, string name)
        {
            var onSource = TryFind(source, uuid, out _);
            if (onSource == null || onSource.State != VMState.Running)
            {
                return false;
            }
            try
            {
                destination.Connection.DestroyGuest(name);
                return true;
            }
            catch (MigrationException)
            {
                return false;
            }
        }

        private static bool HasEnded(Task migration, TimeSpan wait)
        {
            try
            {
                return migration.Wait(wait);
            }
            catch (AggregateException)
            {
                return true;
            }
        }

        /// <summary>Carries out the controller's decision; the reason to abort when it decided to (the caller aborts the job).</summary>
        private MigrationException? Apply(ControllerDecision decision, string name, MigrationResult result, long elapsed)
        {
            switch (decision.Action)
            {
                case ControllerAction.RaiseDowntime:
                    TryTune(() => request.VM.Host.Connection.SetMigrationMaxDowntime(name, decision.Value));
                    result.Escalations.Add(new MigrationEscalation { AtMs = elapsed, Action = "RaiseDowntime", Detail = $"{decision.Value} ms: {decision.Detail}" });
                    break;
                case ControllerAction.SwitchToPostCopy:
                    TryTune(() => request.VM.Host.Connection.StartPostCopy(name));
                    result.Escalations.Add(new MigrationEscalation { AtMs = elapsed, Action = "PostCopy", Detail = decision.Detail });
                    result.Strategy = request.Strategy;
                    break;
                case ControllerAction.Abort:
                    result.Escalations.Add(new MigrationEscalation { AtMs = elapsed, Action = "Abort", Detail = decision.ErrorId! });
                    return new MigrationException(decision.ErrorId!, ErrorKind.OperationTimeout, decision.Detail, name, saysWhereVmRuns: true);
            }
            return null;
        }

        private void Report(MigrationResult result, JobProgress sample, long elapsed, ConvergenceController controller)
        {
            if (progress == null)
            {
                return;
            }
            var total = sample.DataTotal > 0 ? sample.DataTotal : sample.MemoryTotal + sample.DiskTotal;
            var done = total > 0 ? (int)Math.Min(99, Math.Max(0, (total - sample.DataRemaining) * 100 / total)) : 0;
            progress.Report(new MigrationProgress
            {
                VMName = result.VMName,
                Source = result.Source,
                Destination = result.Destination,
                Phase = result.Phase,
                PercentComplete = done,
                RemainingBytes = sample.DataRemaining,
                TransferredBytes = sample.DataProcessed,
                TransferRateBytesPerSec = sample.MemoryBytesPerSec,
                DirtyRateBytesPerSec = sample.MemoryDirtyRateBytesPerSec,
                Iteration = sample.MemoryIteration,
                ElapsedMs = elapsed,
                PredictedRemainingMs = ConvergenceController.PredictRemainingMs(sample),
                PredictedDowntimeMs = ConvergenceController.PredictDowntimeMs(sample),
                ThrottlePercent = controller.MaxThrottlePercent,
            });
        }

        /// <summary>
        /// The cleanup that always runs after the hypervisor call ends: find where the VM runs, remove a leftover
        /// definition on the host it does not run on, and record the outcome. It never stops or removes a running VM.
        /// </summary>
        private void Settle(PhasedJob<MigrationPhase> job)
        {
            var uuid = request.VM.Guest.Uuid;
            var source = request.VM.Host;
            var destination = request.Destination;
            var onSource = TryFind(source, uuid, out var sourceUnreachable);
            var onDestination = TryFind(destination, uuid, out var destinationUnreachable);

            if (onDestination != null && onDestination.Active && onDestination.State != VMState.Paused && (onSource == null || !onSource.Active))
            {
                result.RunningOn = destination.Name;
                if (onSource != null)
                {
                    job.Try($"remove the old definition on '{source.Name}'", () => source.Connection.UndefineGuest(onSource.Name));
                }
                return;
            }

            if (onSource != null && onSource.Active)
            {
                result.RunningOn = source.Name;
                if (onDestination != null)
                {
                    // An incoming VM that never took over: paused or defined on the destination while the source still runs.
                    job.Try($"stop the incomplete copy on '{destination.Name}'", () => destination.Connection.DestroyGuest(onDestination.Name));
                    job.Try($"remove the incomplete copy on '{destination.Name}'", () => { if (destination.Connection.FindGuest(uuid) != null) destination.Connection.UndefineGuest(onDestination.Name); });
                }
                else if (destinationUnreachable)
                {
                    // A destination whose daemon died mid-move may keep the incoming copy (paused, or defined and shut off)
                    // when it comes back: it goes at the next call this process makes to that host.
                    destination.WhenReachable(() => RemoveIncompleteCopy(source, destination, uuid));
                    result.Message = (result.Message == null ? "" : result.Message + " ") +
                        $"'{destination.Name}' could not be reached to remove an incomplete copy; it is removed when '{destination.Name}' answers again. " +
                        $"If Get-MigrationVM still lists it there as Paused after that, libvirt could not remove it (README: a libvirt fault no API repairs).";
                }
                return;
            }

            result.RunningOn = "";
            var where = string.Join(", ", new[] { (source.Name, onSource), (destination.Name, onDestination) }
                .Where(x => x.Item2 != null).Select(x => $"{x.Item1}: {x.Item2!.State}"));
            var silent = new[] { (source.Name, sourceUnreachable), (destination.Name, destinationUnreachable) }.Where(x => x.Item2).Select(x => $"'{x.Item1}'").ToList();
            result.Message = silent.Count > 0
                ? $"Where VM '{result.VMName}' runs is not known: {string.Join(" and ", silent)} could not be asked ({(where.Length > 0 ? where : "not defined on the other")}). Nothing was removed; look again when {string.Join(" and ", silent)} answer{(silent.Count == 1 ? "s" : "")}, before starting it anywhere."
                : $"VM '{result.VMName}' is not running on either host ({(where.Length > 0 ? where : "defined on neither")}). Nothing was removed; inspect both hosts before starting it again.";
        }

        /// <summary>
        /// The disks follow the VM: where it runs on the destination, its old volumes on the source are removed; where it
        /// still runs on the source, the copies on the destination are. Where it runs nowhere, both are kept.
        /// </summary>
        private void SettleDisks(PhasedJob<MigrationPhase> job, DiskRelocation relocation)
        {
            var diskBytesCopied = completedJob?.DiskProcessed ?? 0;
            IReadOnlyList<string> notes;
            if (result.RunningOn == request.Destination.Name)
            {
                var allocated = Math.Max(1, relocation.Moves.Sum(m => m.AllocatedBytes));
                foreach (var move in relocation.Moves)
                {
                    move.Switched = true;
                    move.CopiedBytes = relocation.Moves.Count == 1 ? diskBytesCopied : diskBytesCopied * move.AllocatedBytes / allocated;
                }
                notes = relocation.DeleteSourceVolumes();
            }
            else if (result.RunningOn == request.VM.Host.Name)
            {
                notes = relocation.DeleteUnusedCopies();
            }
            else
            {
                notes = new[] { "the old volumes and their copies were both kept" };
            }
            job.Problems(notes);
        }

        internal static GuestInfo? TryFind(ConnectedHost host, string uuid, out bool unreachable)
        {
            unreachable = false;
            try
            {
                return host.Connection.FindGuest(uuid);
            }
            catch (MigrationException error)
            {
                unreachable = error.ErrorId == ErrorIds.HostUnreachable || error.ErrorId == ErrorIds.HostConnectTimeout;
                return null;
            }
        }

        internal static bool RunsOn(ConnectedHost host, string uuid)
        {
            var guest = TryFind(host, uuid, out _);
            return guest != null && guest.Active && guest.State != VMState.Paused;
        }

        /// <summary>
        /// Removes the copy a failed move left on its destination, once that host answers again, if it still is one: not
        /// running there (paused or shut off) while the VM runs on its source or, moved on since, on another host of the
        /// session. A copy that runs is never touched, nor one of a VM that runs nowhere else.
        /// </summary>
        /// <returns>the copy as it was before it was removed; null when nothing was removed</returns>
        internal static GuestInfo? RemoveIncompleteCopy(ConnectedHost source, ConnectedHost destination, string uuid)
        {
            var copy = destination.Connection.FindGuest(uuid);
            if (copy == null || (copy.Active && copy.State != VMState.Paused)) return null;
            if (!RunsOn(source, uuid) && !(destination.Peers?.Invoke() ?? Array.Empty<ConnectedHost>())
                    .Any(peer => !ReferenceEquals(peer, destination) && !ReferenceEquals(peer, source) && RunsOn(peer, uuid)))
            {
                return null; // not known to run anywhere else (a later move took it on, or nothing answers): left alone
            }
            var state = copy.State; // a provider may update the object it handed back
            if (copy.Active) destination.Connection.DestroyGuest(copy.Name);
            if (destination.Connection.FindGuest(uuid) != null) destination.Connection.UndefineGuest(copy.Name);
            return new GuestInfo { Name = copy.Name, Uuid = copy.Uuid, State = state, MemoryMB = copy.MemoryMB, VCpuCount = copy.VCpuCount, Persistent = copy.Persistent };
        }

        /// <summary>The source's free memory, which bounds the delta-compression cache; null when it cannot be read in time.</summary>
        private long? SourceFreeMemoryMB()
        {
            try
            {
                return request.VM.Host.Connection.GetHostFacts().FreeMemoryMB;
            }
            catch (MigrationException)
            {
                return null;
            }
        }

        private double? MeasureDirtyRate(string name)
        {
            try
            {
                return request.VM.Host.Connection.MeasureDirtyRateMBps(name, TimeSpan.FromSeconds(1));
            }
            catch (MigrationException)
            {
                // Not every hypervisor measures it; the controller then relies on the job statistics alone.
                return null;
            }
        }

        /// <summary>The job's statistics; null when they could not be read, with <paramref name="silence"/> set when the source did not answer.</summary>
        private JobProgress? TryGetProgress(string name, out MigrationException? silence)
        {
            silence = null;
            try
            {
                return request.VM.Host.Connection.GetJobProgress(name);
            }
            catch (MigrationException error)
            {
                if (HostCallGate.DidNotAnswer(error)) silence = error;
                return null;
            }
        }

        /// <summary>Asks the source to abort the job; false when it could not (no job yet, or it ended meanwhile: the outcome is settled afterwards).</summary>
        private bool TryAbort(string name)
        {
            try
            {
                request.VM.Host.Connection.AbortJob(name);
                return true;
            }
            catch (MigrationException)
            {
                return false;
            }
        }

        private static void TryTune(Action tune)
        {
            try
            {
                tune();
            }
            catch (MigrationException)
            {
                // A tuning call racing the end of the job is harmless; the job's own outcome decides the result.
            }
        }

        private static MigrationException Stopped(string name, MigrationPhase phase) => new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
            $"Migration of VM '{name}' was stopped by the user during {phase}; the hypervisor job was aborted.", name);

        private MigrationResult Finish(JobOutcome<MigrationPhase> outcome)
        {
            result.Status = outcome.Status;
            result.Phase = outcome.Finished ? MigrationPhase.Completed : outcome.Phase;
            result.EndTime = DateTime.UtcNow;
            result.DurationMs = clock.ElapsedMilliseconds;
            var error = outcome.Failure;
            var where = error == null || error.SaysWhereVmRuns || string.IsNullOrEmpty(result.RunningOn) ? null : $"VM '{result.VMName}' is running on '{result.RunningOn}'.";
            result.Message = outcome.Message(result.Message, where);
            result.ErrorId = error?.ErrorId;
            if (outcome.End == JobEnd.FinishedWithProblems) result.Warning ??= outcome.ProblemsText;
            return result;
        }
    }
}
