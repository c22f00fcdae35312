using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// The <see cref="HostLease.Run"/> lease of one run on every host it may act on, so that two runs (in this process or
    /// on other machines) never use the same hosts at once. All or nothing: a run that finds a host held gives back what
    /// it took, waits and tries again (two runs waiting for each other's hosts cannot deadlock). Renewed in the
    /// background while the run lives; a runner that dies leaves leases that lapse after <see cref="Lifetime"/>, which the
    /// next run releases. A host that cannot be reached is not held (nobody can act on it) and does not block the run.
    /// A run inside another (an evacuation inside a rolling maintenance) is given the outer run's hold and takes none.
    /// </summary>
    public sealed class RunHold : IDisposable
    {
        /// <summary>How long a lease lasts unless renewed: a dead runner blocks its hosts for at most this long.</summary>
        public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

        private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

        /// <summary>The leases this process's runs hold now: one of this process that is not among them is a leftover.</summary>
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> heldByThisProcess =
            new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.OrdinalIgnoreCase);

        private readonly HostRegistry registry;
        private readonly List<ConnectedHost> held;
        private readonly HostLease lease;
        private readonly Timer renewal;
        private readonly object sync = new object();
        private readonly List<string> lost = new List<string>();
        private bool disposed;

        private RunHold(HostRegistry registry, List<ConnectedHost> held, HostLease lease)
        {
            this.registry = registry;
            this.held = held;
            this.lease = lease;
            heldByThisProcess[lease.Id] = true;
            var every = TimeSpan.FromTicks(Lifetime.Ticks / 4);
            renewal = new Timer(_ => Renew(), null, every, every);
        }

        /// <summary>The hosts this run holds a lease on.</summary>
        public IReadOnlyList<string> HostNames => held.Select(h => h.Name).ToList();

        /// <summary>Hosts whose lease was found taken by another run at a renewal (it lapsed while this run could not renew it).</summary>
        public IReadOnlyList<string> LostHosts { get { lock (sync) { return lost.ToList(); } } }

        /// <summary>
        /// Why this run must start nothing more (a host's lease was taken by another run), as a sentence; null while every
        /// lease holds. A host that cannot be reached is not lost: nobody else can act on it either, and the renewal that
        /// reaches it again says whether the lease is still this run's (a lapsed one that nobody took is renewed).
        /// </summary>
        public string? LostReason
        {
            get
            {
                var hosts = LostHosts;
                return hosts.Count == 0 ? null
                    : $"The run's lease on {string.Join(", ", hosts.Select(h => $"'{h}'"))} was taken by another run (it lapsed while this run could not renew it): no new move is started, and the moves under way finish.";
            }
        }

        /// <summary>
        /// Takes the run lease on <paramref name="hosts"/> for <paramref name="purpose"/>, waiting up to <paramref name="wait"/>
        /// while other runs hold some of them (<paramref name="onWaiting"/> hears why, once); throws HostHeldByAnotherRun
        /// naming every holder when the wait ends first.
        /// </summary>
        public static RunHold Take(HostRegistry registry, IEnumerable<ConnectedHost> hosts, string purpose, TimeSpan wait,
            Action<string>? onWaiting, CancellationToken cancellationToken)
        {
            var wanted = hosts.Distinct().ToList();
            var now = DateTime.UtcNow;
            var lease = HostLease.ForThisProcess(HostLease.Run, purpose, now, now + Lifetime);
            var deadline = now + wait;
            var toldWaiting = false;
            var random = new Random();
            while (true)
            {
                var answers = registry.ForEachHost(wanted, c => c.TryTakeLease(lease), "a request for its run lease", cancellationToken);
                var taken = answers.Where(a => a.Error == null && a.Value == null).Select(a => a.Host).ToList();
                var blockers = new List<(ConnectedHost Host, HostLease Holder)>();
                var lapsed = false;
                foreach (var answer in answers)
                {
                    if (answer.Error != null)
                    {
                        if (IsUnreachable(answer.Error)) continue;
                        Release(registry, taken, lease);
                        throw answer.Error;
                    }
                    if (answer.Value == null) continue;
                    if (answer.Value.IsExpired(DateTime.UtcNow) || HolderDied(answer.Value) || LeftByThisProcess(answer.Value))
                    {
                        // Its runner stopped renewing it (dead, or cut off from the host), or, on this machine, is seen to
                        // have died (a runbook killed, then resumed), or it is this process's from a run that ended while
                        // the host was down: released, and asked for again at once.
                        try { answer.Host.Connection.ReleaseLease(answer.Value.Name, answer.Value.Id); } catch (MigrationException) { }
                        lapsed = true;
                    }
                    else
                    {
                        blockers.Add((answer.Host, answer.Value));
                    }
                }
                if (blockers.Count == 0 && !lapsed)
                {
                    return new RunHold(registry, taken, lease);
                }
                Release(registry, taken, lease);
                if (lapsed) continue;
                var why = string.Join("; ", blockers.Select(b => $"host '{b.Host.Name}' is held by {b.Holder.Describe()}"));
                if (DateTime.UtcNow >= deadline)
                {
                    throw new MigrationException(ErrorIds.HostHeldByAnotherRun, ErrorKind.ResourceBusy,
                        $"Another run holds hosts this run needs: {why}. " +
                        (wait > TimeSpan.Zero ? $"Waited {wait.TotalSeconds:0} s. " : "") +
                        "Wait for it with -WaitSec, or run again when it has ended (a runner that died releases its hosts within " +
                        $"{Lifetime.TotalMinutes:0} min).", blockers[0].Host.Name);
                }
                if (!toldWaiting)
                {
                    onWaiting?.Invoke($"Waiting up to {(deadline - DateTime.UtcNow).TotalSeconds:0} s: {why}.");
                    toldWaiting = true;
                }
                // Jittered, so two runs that gave back their leases at the same moment do not collide again in step.
                var pause = TimeSpan.FromMilliseconds(RetryInterval.TotalMilliseconds * (0.5 + random.NextDouble()));
                if (cancellationToken.WaitHandle.WaitOne(pause)) cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Renews every lease now (the timer does it every quarter of the lifetime).</summary>
        internal void Renew()
        {
            lock (sync)
            {
                if (disposed) return;
            }
            lease.ExpiresAt = DateTime.UtcNow + Lifetime;
            var answers = registry.ForEachHost(held, c => c.RenewLease(lease), "a renewal of its run lease", CancellationToken.None);
            lock (sync)
            {
                foreach (var answer in answers.Where(a => a.Error == null && !a.Value))
                {
                    if (!lost.Contains(answer.Host.Name)) lost.Add(answer.Host.Name);
                }
            }
        }

        /// <summary>True for a holder on this machine whose process is gone; a holder elsewhere is only known dead when its lease lapses.</summary>
        private static bool HolderDied(HostLease holder)
        {
            if (holder.ProcessId <= 0 || !string.Equals(holder.Machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return false;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(holder.ProcessId);
                return process.HasExited;
            }
            catch (ArgumentException)
            {
                return true; // no process with that id
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }

        private static bool LeftByThisProcess(HostLease holder) =>
            holder.ProcessId == CurrentProcessId && string.Equals(holder.Machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            && !heldByThisProcess.ContainsKey(holder.Id);

        private static readonly int CurrentProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

        private static bool IsUnreachable(MigrationException error) =>
            error.ErrorId == ErrorIds.HostUnreachable || error.ErrorId == ErrorIds.HostConnectTimeout;

        private static void Release(HostRegistry registry, IReadOnlyList<ConnectedHost> hosts, HostLease lease)
        {
            if (hosts.Count == 0) return;
            var answers = registry.ForEachHost(hosts, c => { c.ReleaseLease(lease.Name, lease.Id); return true; }, "the release of its run lease", CancellationToken.None);
            foreach (var unsent in answers.Where(a => a.Error != null && IsUnreachable(a.Error)))
            {
                // A host that is down (rebooting) keeps the lease: it goes when the host answers again, or lapses.
                var host = unsent.Host;
                host.WhenReachable(() => host.Connection.ReleaseLease(lease.Name, lease.Id));
            }
        }

        /// <summary>Gives the leases back.</summary>
        public void Dispose()
        {
            lock (sync)
            {
                if (disposed) return;
                disposed = true;
            }
            renewal.Dispose();
            Release(registry, held, lease);
            heldByThisProcess.TryRemove(lease.Id, out _);
        }
    }
}
