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
        private readonly Dictionary<string, ConnectSettings> settings = new Dictionary<string, ConnectSettings>(StringComparer.OrdinalIgnoreCase);

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
        /// existing connection; a name already taken by another URI is refused.
        /// </summary>
        public ConnectedHost Connect(string uri, string? name, HostCredential? credential, TimeSpan timeout, string? migrationAddress, CancellationToken cancellationToken)
        {
            if (string.IsNullOrWhiteSpace(uri))
            {
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "The host URI is empty. Give a libvirt URI such as qemu+ssh://host/system.");
            }

            lock (gate)
            {
                var existing = hosts.Values.FirstOrDefault(h => string.Equals(h.Uri, uri, StringComparison.Ordinal)
                    && (name == null || string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)));
                if (existing != null && existing.Connection.IsAlive)
                {
                    return existing;
                }
            }

            var provider = Providers.For(uri);
            // Until it is named, its errors name it by its URI.
            var unnamed = new ConnectedHost(string.IsNullOrEmpty(name) ? uri : name!, uri, provider.Name, provider.Connect(uri, credential, timeout, cancellationToken), migrationAddress, () => CallTimeout);
            try
            {
                var host = !string.IsNullOrEmpty(name) ? unnamed
                    : new ConnectedHost(unnamed.CancellableConnection(cancellationToken).GetHostFacts().Hostname, uri, provider.Name, unnamed.Connection, migrationAddress, () => CallTimeout);
                lock (gate)
                {
                    if (hosts.TryGetValue(host.Name, out var taken))
                    {
                        if (!string.Equals(taken.Uri, uri, StringComparison.Ordinal) && taken.Connection.IsAlive)
                        {
                            throw new MigrationException(ErrorIds.HostAlreadyConnected, ErrorKind.ResourceExists,
                                $"A host named '{host.Name}' is already connected at {taken.Uri}. Disconnect it first, or give this one another -Name.", host.Name);
                        }
                        taken.Connection.Dispose();
                    }
                    hosts[host.Name] = host;
                    settings[host.Name] = new ConnectSettings(credential, timeout);
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

        /// <summary>
        /// Opens a new connection to a connected host, with the URI, credential, migration address and timeout it was
        /// connected with, and puts it in place of the old one, which is closed. For a connection that died while its
        /// IsAlive may not know it yet: a host that rebooted, a libvirtd that restarted. Fails (HostUnreachable,
        /// HostConnectTimeout) while the host does not answer; the old connection stays registered then.
        /// </summary>
        public ConnectedHost Reconnect(string name, CancellationToken cancellationToken)
        {
            var old = Resolve(name);
            ConnectSettings how;
            lock (gate)
            {
                how = settings.TryGetValue(name, out var known) ? known : new ConnectSettings(null, TimeSpan.FromSeconds(10));
            }
            var provider = Providers.For(old.Uri);
            var fresh = new ConnectedHost(old.Name, old.Uri, provider.Name, provider.Connect(old.Uri, how.Credential, how.Timeout, cancellationToken), old.MigrationAddress, () => CallTimeout);
            lock (gate)
            {
                if (!hosts.TryGetValue(name, out var current) || !ReferenceEquals(current, old))
                {
                    // Reconnected or disconnected by someone else meanwhile: theirs stands.
                    fresh.Connection.Dispose();
                    return current ?? Resolve(name);
                }
                hosts[name] = fresh;
            }
            // Closing a dead connection may wait out the call limit; nobody waits for it.
            DedicatedThread.Start(() => old.Connection.Dispose());
            return fresh;
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
                settings.Remove(name);
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

    /// <summary>How a host was connected (see <see cref="HostRegistry.Reconnect"/>).</summary>
    internal sealed class ConnectSettings
    {
        public ConnectSettings(HostCredential? credential, TimeSpan timeout)
        {
            Credential = credential;
            Timeout = timeout;
        }

        public HostCredential? Credential { get; }
        public TimeSpan Timeout { get; }
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
