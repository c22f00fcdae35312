using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Lab
{
    /// <summary>
    /// Joins a lab to the session: its hosts are connected and registered under their lab names like any other host,
    /// and a registered host can be traced back to its lab (New-MigrationLabVM needs the host's directories).
    /// </summary>
    public sealed class LabSession
    {
        private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
        // Labs this process started or joined; lab hosts are traced back through these and the default path.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> KnownPaths =
            new System.Collections.Concurrent.ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        // Hosts on their way back from a restart, by lab: cancelled when the lab stops, so nothing starts again after it.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PendingReturn> PendingReturns =
            new System.Collections.Concurrent.ConcurrentDictionary<string, PendingReturn>(StringComparer.Ordinal);
        private readonly HostRegistry registry;
        private readonly MigrationLab lab = new MigrationLab();

        public LabSession(HostRegistry registry)
        {
            this.registry = registry;
        }

        public LabInfo Start(LabOptions options, CancellationToken cancellationToken)
        {
            var info = lab.Start(options, cancellationToken);
            Register(info, cancellationToken);
            return info;
        }

        /// <summary>
        /// Connects every running host of the lab not yet in the session, and sets up the directory pool each lab host owns,
        /// &lt;lab&gt;/labN/pool (a restarted host brings it back itself; Stop-MigrationLab removes it with the host's directory).
        /// </summary>
        public void Register(LabInfo info, CancellationToken cancellationToken)
        {
            KnownPaths[info.Path] = 0;
            foreach (var host in info.Hosts)
            {
                // A lab host receives migrations on 127.0.0.1 by default and on its own loopback address too (-MigrationNetwork).
                var addresses = string.IsNullOrEmpty(host.OwnAddress) ? null : new[] { host.OwnAddress };
                var connected = registry.Connect(new HostUri(host.Uri), host.Name, null, ConnectTimeout, host.MigrationAddress, cancellationToken, addresses);
                connected.Connection.EnsureStoragePool(new StoragePoolSpec(LabDefaults.StoragePoolName, new LabHostPaths(info.Path, host.Index).Pool));
            }
        }

        public LabInfo? Get(string path) => lab.Get(path);

        /// <summary>
        /// Reboots a lab host: it goes down now (its running guests die, its libvirtd stops) and comes back after
        /// <paramref name="downTime"/> with its identity and persistent definitions, guests shut off, in the background:
        /// the session's connection to it is opened again by its next call. Stopping the lab cancels the return.
        /// </summary>
        public LabHostRestart Restart(ConnectedHost host, TimeSpan downTime)
        {
            var (info, labHost) = FindLabHost(host);
            var lost = lab.PowerOff(info.Path, labHost.Name);
            var pending = PendingReturns.GetOrAdd(info.Path, _ => new PendingReturn());
            var stop = pending.Cancellation.Token;
            var back = Task.Run(async () =>
            {
                await Task.Delay(downTime, stop).ConfigureAwait(false);
                lab.PowerOn(info.Path, labHost.Name, stop);
            }, stop);
            pending.Tasks.Add(back);
            return new LabHostRestart(labHost.Name, lost, back);
        }

        /// <summary>Disconnects the lab's hosts from the session, then stops the lab (its guests go with it).</summary>
        public void Stop(string path)
        {
            if (PendingReturns.TryRemove(path, out var returns))
            {
                // A host in the middle of starting holds the lab's lock: let it finish (within its start limit), then stop it too.
                returns.Cancellation.Cancel();
                try
                {
                    Task.WaitAll(returns.Tasks.ToArray(), TimeSpan.FromSeconds(LabDefaults.StartTimeoutSeconds + LabDefaults.StopTimeoutSeconds));
                }
                catch (AggregateException)
                {
                    // Cancelled or failed returns: either way nothing of them runs any more.
                }
            }
            var info = lab.Get(path);
            if (info != null)
            {
                foreach (var host in registry.Hosts.Where(h => info.Hosts.Any(l => h.Uri.Equals(new HostUri(l.Uri)))))
                {
                    registry.Disconnect(host.Name);
                }
            }
            lab.Stop(path);
            KnownPaths.TryRemove(path, out _);
        }

        /// <summary>The lab and lab host behind a connected host; NotALabHost when no known lab has it.</summary>
        public (LabInfo Lab, LabHostInfo Host) FindLabHost(ConnectedHost host)
        {
            foreach (var path in KnownPaths.Keys.Concat(new[] { LabDefaults.Path }).Distinct())
            {
                var info = lab.Get(path);
                var labHost = info?.Hosts.FirstOrDefault(h => host.Uri.Equals(new HostUri(h.Uri)));
                if (labHost != null)
                {
                    return (info!, labHost);
                }
            }
            throw new MigrationException(ErrorIds.NotALabHost, ErrorKind.InvalidArgument,
                $"Host '{host.Name}' ({host.Uri}) is not a host of a running lab; lab guests are created on lab hosts only. Start a lab with Start-MigrationLab.", host.Name);
        }

        private sealed class PendingReturn
        {
            public CancellationTokenSource Cancellation { get; } = new CancellationTokenSource();
            public System.Collections.Concurrent.ConcurrentBag<Task> Tasks { get; } = new System.Collections.Concurrent.ConcurrentBag<Task>();
        }
    }
}
