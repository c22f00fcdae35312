using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// The hosts this process is connected to, by name. Shared by every cmdlet call in the process, the way a
    /// PowerCLI or SCVMM session keeps its server connections. Thread-safe.
    /// </summary>
    public sealed class HostRegistry
    {
        private static readonly Lazy<HostRegistry> DefaultRegistry = new Lazy<HostRegistry>(() => new HostRegistry(HypervisorProviders.Standard()));
        private readonly object gate = new object();
        private readonly Dictionary<string, ConnectedHost> hosts = new Dictionary<string, ConnectedHost>(StringComparer.OrdinalIgnoreCase);
        // How each host was reached, so that a connection that died (the host rebooted, its daemon restarted) can be opened
        // again the same way. In memory only: a credential is never written anywhere.

        public HostRegistry(HypervisorProviders providers)
        {
            Providers = providers;
        }

        public static HostRegistry Default => DefaultRegistry.Value;

        /// <summary>Which provider reaches a host, by the scheme of its URI.</summary>
        public HypervisorProviders Providers { get; }

        /// <summary>How long a single call to one host may take before that host is reported unreachable.</summary>
        public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(15);

        public IReadOnlyList<ConnectedHost> Hosts
        {
            get { lock (gate) { return hosts.Values.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ToList(); } }
        }

        /// <summary>
        /// Connects to one host and registers it. Connecting again to the same URI under the same name returns the
        /// existing connection; a name already taken by another URI is refused. The display form of a connected host's URI
        /// (a MigrationHost piped back into Connect-MigrationHost) stands for the URI it was connected with.
        /// </summary>
        /// <param name="migrationAddresses">the host's addresses for migration streams (see <see cref="MigrationNetwork"/>)</param>
        public ConnectedHost Connect(HostUri uri, string? name, HostCredential? credential, TimeSpan timeout, string? migrationAddress, CancellationToken cancellationToken,
            IReadOnlyList<string>? migrationAddresses = null)
        {
            if (string.IsNullOrWhiteSpace(uri.ForConnecting))
            {
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "The host URI is empty. Give a libvirt URI such as qemu+ssh://host/system.");
            }

            ConnectedHost? existing;
            lock (gate)
            {
                uri = hosts.Values.Select(h => h.Uri).FirstOrDefault(u => u.Secrets.Count > 0 && string.Equals(u.Display, uri.ForConnecting, StringComparison.Ordinal)) ?? uri;
                existing = hosts.Values.FirstOrDefault(h => h.Uri.Equals(uri)
                    && (name == null || string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)));
                if (existing != null && existing.Connection.IsAlive)
                {
                    return existing;
                }
            }
            if (existing != null && name != null)
            {
                // The same host again, its connection dead: opened anew inside the host's first call, which also sends
                // what was kept for when it answers again (a new ConnectedHost would drop that).
                existing.CancellableConnection(cancellationToken).GetHostFacts();
                return existing;
            }

            var provider = Providers.For(uri);
            var opened = SecretRedaction.For(uri, credential).Run(() => provider.Connect(uri.ForConnecting, credential, timeout, cancellationToken));
            // Until it is named, its errors name it by its URI.
            var unnamed = new ConnectedHost(string.IsNullOrEmpty(name) ? uri.Display : name!, uri, provider.Name, opened, migrationAddress, () => CallTimeout, credential,
                () => provider.Connect(uri.ForConnecting, credential, CallTimeout, CancellationToken.None), migrationAddresses);
            try
            {
                var host = !string.IsNullOrEmpty(name) ? unnamed
                    : new ConnectedHost(unnamed.CancellableConnection(cancellationToken).GetHostFacts().Hostname, uri, provider.Name, unnamed.Connection, migrationAddress, () => CallTimeout, credential, migrationAddresses: migrationAddresses);
                lock (gate)
                {
                    if (hosts.TryGetValue(host.Name, out var taken))
                    {
                        if (!taken.Uri.Equals(uri) && taken.Connection.IsAlive)
                        {
                            throw new MigrationException(ErrorIds.HostAlreadyConnected, ErrorKind.ResourceExists,
                                $"A host named '{host.Name}' is already connected at {taken.Uri}. Disconnect it first, or give this one another -Name.", host.Name);
                        }
                        taken.Connection.Dispose();
                    }
                    host.Peers = () => Hosts;
                    hosts[host.Name] = host;
                }
                return host;
            }
            catch
            {
                unnamed.Connection.Dispose();
                throw;
            }
        }

        public ConnectedHost Resolve(string name)
        {
            lock (gate)
            {
                if (hosts.TryGetValue(name, out var host))
                {
                    return host;
                }
            }
            throw new MigrationException(ErrorIds.HostNotFound, ErrorKind.ObjectNotFound,
                $"No connected host is named '{name}'. Connected: {DescribeNames()}. Connect it with Connect-MigrationHost.", name);
        }

        /// <summary>The connected host of that name, or null when none is.</summary>
        public ConnectedHost? Find(string name)
        {
            lock (gate)
            {
                return hosts.TryGetValue(name, out var host) ? host : null;
            }
        }


        public bool Disconnect(string name)
        {
            ConnectedHost? host;
            lock (gate)
            {
                if (!hosts.TryGetValue(name, out host))
                {
                    return false;
                }
                hosts.Remove(name);
            }
            host.Connection.Dispose();
            return true;
        }

        /// <summary>
        /// Runs <paramref name="call"/> on every given host in parallel, with that host's connection (whose every call is
        /// within the call timeout and gives up on <paramref name="cancellationToken"/>), so a silent host costs one limit.
        /// </summary>
        public IReadOnlyList<HostCallResult<T>> ForEachHost<T>(IEnumerable<ConnectedHost> targets, Func<IHostConnection, T> call, string what, CancellationToken cancellationToken)
        {
            var list = targets.ToList();
            var results = new HostCallResult<T>[list.Count];
            Parallel.For(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 4), CancellationToken = cancellationToken }, i =>
            {
                var host = list[i];
                try
                {
                    results[i] = new HostCallResult<T>(host, call(host.CancellableConnection(cancellationToken)), null);
                }
                catch (MigrationException error)
                {
                    results[i] = new HostCallResult<T>(host, default!, error);
                }
                catch (Exception error) when (!(error is OperationCanceledException))
                {
                    results[i] = new HostCallResult<T>(host, default!, new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                        $"Host '{host.Name}' failed while answering {what}: {error.Message}", host.Name, error));
                }
            });
            return results;
        }

        private string DescribeNames()
        {
            lock (gate)
            {
                return hosts.Count == 0 ? "none" : string.Join(", ", hosts.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase));
            }
        }
    }


    /// <summary>The answer of one host to a call made on many; Error is set when that host failed or timed out.</summary>
    public sealed class HostCallResult<T>
    {
        public HostCallResult(ConnectedHost host, T value, MigrationException? error)
        {
            Host = host;
            Value = value;
            Error = error;
        }

        public ConnectedHost Host { get; }
        public T Value { get; }
        public MigrationException? Error { get; }
    }
}
