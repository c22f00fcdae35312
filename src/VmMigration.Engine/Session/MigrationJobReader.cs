using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// What is in flight on the connected hosts, whoever started it: every host is asked in parallel for its running guests'
    /// hypervisor jobs (each call within the host's call limit, so a dead or frozen host costs one limit and becomes a
    /// failure naming it), the two sides of a migration (the source's outgoing job, the destination's paused incoming guest)
    /// are paired by UUID into one <see cref="MigrationJob"/>, and what this process runs (<see cref="ActiveMigrations"/>)
    /// and what the state directory's evacuation journals record as in flight are added.
    /// </summary>
    public sealed class MigrationJobReader
    {
        private readonly HostRegistry registry;

        public MigrationJobReader(HostRegistry registry)
        {
            this.registry = registry;
        }

        /// <summary>Where the evacuation journals are read (see <see cref="EvacuationJournal.DefaultPath"/>); null reads none.</summary>
        public string? JournalDirectory { get; set; } = Path.GetDirectoryName(EvacuationJournal.DefaultPath("x"));

        /// <summary>What this process is called in <see cref="MigrationJob.HeldBy"/>.</summary>
        public static string ThisProcess { get; } = $"this process ({Environment.MachineName}, PID {Process.GetCurrentProcess().Id})";

        /// <param name="hosts">the hosts to ask (the session's: a migration pairs up only when both its hosts are asked)</param>
        /// <param name="hostMatches">keeps a job whose host, source or destination it matches; null keeps all. A failing host is reported only when it matches.</param>
        /// <param name="vmMatches">keeps a job whose VM's name or UUID it matches; null keeps all</param>
        public MigrationJobListing Read(IReadOnlyList<ConnectedHost> hosts, Func<string, bool>? hostMatches, Func<string, bool>? vmMatches, CancellationToken cancellationToken)
        {
            var answers = registry.ForEachHost(hosts, ReadHost, "the list of its guests' jobs", cancellationToken);
            var failures = answers.Where(a => a.Error != null && (hostMatches == null || hostMatches(a.Host.Name))).Select(a => a.Error!).ToList();
            var seen = answers.Where(a => a.Error == null).SelectMany(a => a.Value.Select(job => (Host: a.Host.Name, job.Guest, job.Progress))).ToList();

            var jobs = new List<MigrationJob>();
            foreach (var sides in seen.GroupBy(s => s.Guest.Uuid, StringComparer.OrdinalIgnoreCase))
            {
                var outgoing = sides.FirstOrDefault(s => s.Progress.Operation != JobOperation.MigrationIn);
                var incoming = sides.FirstOrDefault(s => s.Progress.Operation == JobOperation.MigrationIn);
                var primary = outgoing.Guest != null ? outgoing : incoming;
                var job = Describe(primary.Host, primary.Guest, primary.Progress);
                if (outgoing.Guest != null && incoming.Guest != null)
                {
                    job.Kind = MigrationJobKind.LiveMigration;
                    job.Destination = incoming.Host;
                }
                jobs.Add(job);
                jobs.AddRange(sides.Where(s => s.Guest != outgoing.Guest && s.Guest != incoming.Guest).Select(s => Describe(s.Host, s.Guest, s.Progress)));
            }

            foreach (var active in ActiveMigrations.List().Where(a => hosts.Contains(a.Source) || hosts.Contains(a.Destination)))
            {
                var known = jobs.Where(j => string.Equals(j.Uuid, active.Uuid, StringComparison.OrdinalIgnoreCase)).ToList();
                foreach (var job in known)
                {
                    job.HeldBy = ThisProcess;
                    if (job.Source.Length == 0) job.Source = active.Source.Name;
                    if (job.Destination.Length == 0) job.Destination = active.Destination.Name;
                }
                // A move of this process that has no hypervisor job (yet, or ever: a disk copy is a block job) is in flight too.
                if (known.Count == 0 && hosts.Contains(active.Source))
                {
                    jobs.Add(new MigrationJob
                    {
                        VMName = active.VMName, Uuid = active.Uuid, HostName = active.Source.Name, Source = active.Source.Name, Destination = active.Destination.Name,
                        Kind = active.StorageOnly ? MigrationJobKind.StorageCopy : MigrationJobKind.LiveMigration, Operation = JobOperation.Unknown.ToString(),
                        ElapsedSec = Math.Round((DateTime.UtcNow - active.StartedAt).TotalSeconds, 1), StartTime = active.StartedAt, HeldBy = ThisProcess,
                    });
                }
            }

            AddJournaledMoves(jobs, new HashSet<string>(hosts.Select(h => h.Name), StringComparer.OrdinalIgnoreCase));
            var kept = jobs
                .Where(j => hostMatches == null || new[] { j.HostName, j.Source, j.Destination }.Any(h => h.Length > 0 && hostMatches(h)))
                .Where(j => vmMatches == null || vmMatches(j.VMName) || vmMatches(j.Uuid))
                .OrderBy(j => j.HostName, StringComparer.OrdinalIgnoreCase).ThenBy(j => j.VMName, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return new MigrationJobListing(kept, failures);
        }

        /// <summary>
        /// The running guests of one host that have a job. A guest that went away between the listing and its look (a move
        /// just ended) has none; one whose job the host will not describe is passed over rather than costing the host's
        /// other jobs. Only a host that does not answer fails the whole host.
        /// </summary>
        private static IReadOnlyList<(GuestInfo Guest, JobProgress Progress)> ReadHost(IHostConnection connection)
        {
            var found = new List<(GuestInfo, JobProgress)>();
            foreach (var guest in connection.ListGuests().Where(g => g.Active))
            {
                JobProgress? progress;
                try
                {
                    progress = connection.GetJobProgress(guest.Name);
                }
                catch (MigrationException error) when (error.ErrorId != ErrorIds.HostUnreachable && error.ErrorId != ErrorIds.HostConnectTimeout)
                {
                    continue;
                }
                if (progress != null && progress.Kind != JobKind.None) found.Add((guest, progress));
            }
            return found;
        }

        private static MigrationJob Describe(string host, GuestInfo guest, JobProgress progress)
        {
            var incoming = progress.Operation == JobOperation.MigrationIn;
            var kind = incoming ? MigrationJobKind.IncomingMigration
                : progress.Operation == JobOperation.MigrationOut || progress.Operation == JobOperation.Unknown ? MigrationJobKind.LiveMigration
                : MigrationJobKind.Other;
            var total = progress.DataTotal > 0 ? progress.DataTotal : progress.MemoryTotal + progress.DiskTotal;
            var reported = !incoming && (total > 0 || progress.ElapsedMs > 0);
            return new MigrationJob
            {
                VMName = guest.Name,
                Uuid = guest.Uuid,
                Kind = kind,
                Operation = progress.Operation.ToString(),
                HostName = host,
                Source = incoming ? "" : kind == MigrationJobKind.LiveMigration ? host : "",
                Destination = incoming ? host : "",
                PercentComplete = total > 0 ? Math.Round(Math.Min(100, Math.Max(0, (total - progress.DataRemaining) * 100.0 / total)), 1) : (double?)null,
                DataTotalBytes = total > 0 ? total : (long?)null,
                DataProcessedBytes = reported ? progress.DataProcessed : (long?)null,
                DataRemainingBytes = reported ? progress.DataRemaining : (long?)null,
                Iteration = reported && progress.MemoryIteration > 0 ? progress.MemoryIteration : (int?)null,
                ElapsedSec = reported ? Math.Round(progress.ElapsedMs / 1000.0, 1) : (double?)null,
                StartTime = reported ? DateTime.UtcNow.AddMilliseconds(-progress.ElapsedMs) : (DateTime?)null,
            };
        }

        /// <summary>
        /// Marks the jobs an open evacuation journal records as in flight with that run, and adds the journaled moves no host
        /// shows a job for (a cold copy, or a run killed mid-move that the next -Resume settles). Unreadable journals are skipped.
        /// </summary>
        private void AddJournaledMoves(List<MigrationJob> jobs, HashSet<string> asked)
        {
            if (JournalDirectory == null || !Directory.Exists(JournalDirectory)) return;
            foreach (var path in Directory.EnumerateFiles(JournalDirectory, "*.json"))
            {
                EvacuationJournal journal;
                try
                {
                    journal = EvacuationJournal.Load(path);
                }
                catch (MigrationException)
                {
                    continue;
                }
                if (journal.EndedAt != null) continue;
                var run = $"evacuation of '{journal.HostName}' (started {journal.StartedAt:u})";
                foreach (var entry in journal.Entries.Where(e => e.State == EvacuationStepState.InFlight))
                {
                    var known = jobs.Where(j => string.Equals(j.Uuid, entry.Uuid, StringComparison.OrdinalIgnoreCase)).ToList();
                    foreach (var job in known)
                    {
                        job.Run = run;
                        job.JournalPath = path;
                        if (job.Destination.Length == 0) job.Destination = entry.Destination;
                        if (job.Source.Length == 0) job.Source = entry.Source;
                    }
                    if (known.Count > 0 || !asked.Contains(entry.Source)) continue;
                    jobs.Add(new MigrationJob
                    {
                        VMName = entry.VMName, Uuid = entry.Uuid, Kind = MigrationJobKind.JournaledMove, Operation = JobOperation.Unknown.ToString(),
                        HostName = entry.Source, Source = entry.Source, Destination = entry.Destination,
                        StartTime = entry.StartedAt, ElapsedSec = entry.StartedAt.HasValue ? Math.Round((DateTime.UtcNow - entry.StartedAt.Value).TotalSeconds, 1) : (double?)null,
                        Run = run, JournalPath = path,
                    });
                }
            }
        }
    }

    /// <summary>The jobs found, and the hosts that could not be asked (each failure names its host).</summary>
    public sealed class MigrationJobListing
    {
        public MigrationJobListing(IReadOnlyList<MigrationJob> jobs, IReadOnlyList<MigrationException> failures)
        {
            Jobs = jobs;
            Failures = failures;
        }

        public IReadOnlyList<MigrationJob> Jobs { get; }
        public IReadOnlyList<MigrationException> Failures { get; }
    }
}
