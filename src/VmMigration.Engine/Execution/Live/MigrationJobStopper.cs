using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// Aborts a job found by <see cref="MigrationJobReader"/> the safe way: on the host that drives it (a migration's
    /// source), then waits, bounded, until the job is gone, and settles what it leaves as a failed move does
    /// (<see cref="LiveMigrationJob.RemoveIncompleteCopy"/>): the VM runs on its source, and a paused or shut-off copy on
    /// the destination is removed. A job that cannot be aborted without risking the VM (post-copy, a source that is not
    /// connected) is refused.
    /// </summary>
    public sealed class MigrationJobStopper
    {
        private readonly HostRegistry registry;

        public MigrationJobStopper(HostRegistry registry)
        {
            this.registry = registry;
        }

        /// <summary>How long the job may take to end after the abort.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

        /// <summary>Stops one job; throws MigrationException (MigrationJobNotFound, MigrationJobNotStoppable, MigrationJobStillRunning, HostUnreachable) when it did not.</summary>
        public MigrationJobStopResult Stop(MigrationJob job, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var name = job.VMName;
            if (job.Kind == MigrationJobKind.JournaledMove)
            {
                throw NotFound(name, $"VM '{name}' has no hypervisor job: {job.Run} records its move as in flight, but no host runs one. Resume that evacuation (Invoke-HostEvacuation -Resume) to settle it.");
            }
            if (job.Kind == MigrationJobKind.StorageCopy)
            {
                throw NotStoppable(name, $"VM '{name}' is having its disks copied by this process; a disk copy is not a hypervisor job. Stop the command that runs it (Ctrl+C, or Stop-Job for -AsJob): it cancels the copies and keeps the VM on its original disks.");
            }
            var sourceName = job.Kind == MigrationJobKind.IncomingMigration ? job.Source : job.HostName;
            var source = sourceName.Length > 0 ? registry.Find(sourceName) : null;
            if (source == null)
            {
                throw NotStoppable(name, $"The migration of VM '{name}' to '{job.Destination}' is driven by its source{(sourceName.Length > 0 ? $" '{sourceName}'" : "")}, which is not connected. " +
                    "Connect it with Connect-MigrationHost and stop the job again: destroying the incoming copy instead could lose the VM if the move has switched over.");
            }

            var guest = source.Connection.FindGuest(job.Uuid.Length > 0 ? job.Uuid : name)
                ?? throw NotFound(name, $"VM '{name}' is no longer on '{source.Name}': its job ended before it could be stopped. Get-MigrationVM -Name '{name}' says where it runs.");
            name = guest.Name;
            var progress = source.Connection.GetJobProgress(name);
            if (progress == null || progress.Operation == JobOperation.MigrationIn)
            {
                throw NotFound(name, $"VM '{name}' has no job running on '{source.Name}' now: it ended before it could be stopped. Get-MigrationVM -Name '{name}' says where it runs.");
            }
            if (guest.State == VMState.Paused && progress.PostCopyRequests > 0)
            {
                throw NotStoppable(name, $"The migration of VM '{name}' is in post-copy: its running state is on '{job.Destination}' and a part of its memory still on '{source.Name}'. Aborting it now would lose the VM; let it finish.");
            }
            try
            {
                source.Connection.AbortJob(name);
            }
            catch (MigrationException refused) when (refused.ErrorId != ErrorIds.HostUnreachable && refused.ErrorId != ErrorIds.VmNotFound)
            {
                if (source.Connection.GetJobProgress(name) != null)
                {
                    throw new MigrationException(ErrorIds.MigrationJobNotStoppable, ErrorKind.InvalidOperation,
                        $"'{source.Name}' refused to abort the job of VM '{name}': {refused.Message}", name, refused);
                }
                // It ended between the look and the abort: settled below like an aborted one.
            }

            var destination = job.Destination.Length > 0 ? registry.Find(job.Destination) : null;
            WaitUntilEnded(source, destination, guest.Uuid, name, cancellationToken);
            var result = Settle(source, destination, guest.Uuid, name, job);
            result.DurationMs = clock.ElapsedMilliseconds;
            return result;
        }

        /// <summary>
        /// Polls the source until its job is gone. A destination that keeps an aborted job from ending (a frozen QEMU) gets
        /// its incoming copy destroyed after <see cref="LiveMigrationJob.AbortGrace"/>, as a migration of ours does.
        /// </summary>
        private void WaitUntilEnded(ConnectedHost source, ConnectedHost? destination, string uuid, string name, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            var incomingDestroyed = false;
            while (source.CancellableConnection(cancellationToken).GetJobProgress(name) != null)
            {
                if (waited.Elapsed > Timeout)
                {
                    throw new MigrationException(ErrorIds.MigrationJobStillRunning, ErrorKind.OperationTimeout,
                        $"The job of VM '{name}' on '{source.Name}' was asked to abort but had not ended after {Timeout.TotalSeconds:0} s. Look again with Get-MigrationJob; the abort stays asked.", name);
                }
                if (!incomingDestroyed && destination != null && waited.Elapsed > LiveMigrationJob.AbortGrace)
                {
                    incomingDestroyed = LiveMigrationJob.DestroyIncomingCopy(source, destination, uuid, name);
                }
                if (cancellationToken.WaitHandle.WaitOne(PollInterval)) cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Where the VM runs now, and the incomplete copies removed from the destination (or, when it is not known, from every other host).</summary>
        private MigrationJobStopResult Settle(ConnectedHost source, ConnectedHost? destination, string uuid, string name, MigrationJob job)
        {
            var result = new MigrationJobStopResult { VMName = name, Uuid = uuid, Kind = job.Kind, Source = source.Name, Destination = job.Destination };
            var notes = new List<string>();
            var others = destination != null ? new[] { destination } : registry.Hosts.Where(h => !ReferenceEquals(h, source)).ToArray();
            if (job.Kind != MigrationJobKind.Other)
            {
                foreach (var other in others)
                {
                    try
                    {
                        var removed = LiveMigrationJob.RemoveIncompleteCopy(source, other, uuid);
                        if (removed != null) result.Removed.Add($"{removed.State.ToString().ToLowerInvariant()} copy of '{removed.Name}' on '{other.Name}'");
                    }
                    catch (MigrationException error) when (error.ErrorId != ErrorIds.VmNotFound)
                    {
                        notes.Add($"Could not remove the incomplete copy on '{other.Name}': {error.Message}");
                    }
                }
            }

            if (LiveMigrationJob.RunsOn(source, uuid))
            {
                result.RunningOn = source.Name;
                result.Status = MigrationJobStopStatus.Aborted;
                notes.Insert(0, $"The job of VM '{name}' was aborted; it runs on '{source.Name}'" + (result.Removed.Count > 0 ? $", and the {string.Join(", ", result.Removed)} was removed." : "."));
            }
            else if (others.FirstOrDefault(h => LiveMigrationJob.RunsOn(h, uuid)) is ConnectedHost moved)
            {
                result.RunningOn = moved.Name;
                result.Destination = result.Destination.Length > 0 ? result.Destination : moved.Name;
                result.Status = MigrationJobStopStatus.CompletedFirst;
                notes.Insert(0, $"The migration of VM '{name}' completed before the abort reached it: it runs on '{moved.Name}'.");
            }
            else
            {
                result.Status = MigrationJobStopStatus.Unknown;
                notes.Insert(0, $"The job of VM '{name}' ended, but no connected host says it runs the VM. Nothing running was touched; look with Get-MigrationVM before starting it anywhere.");
            }
            result.Message = string.Join(" ", notes);
            return result;
        }

        private static MigrationException NotFound(string name, string message) =>
            new MigrationException(ErrorIds.MigrationJobNotFound, ErrorKind.ObjectNotFound, message, name);

        private static MigrationException NotStoppable(string name, string message) =>
            new MigrationException(ErrorIds.MigrationJobNotStoppable, ErrorKind.InvalidOperation, message, name);
    }
}
