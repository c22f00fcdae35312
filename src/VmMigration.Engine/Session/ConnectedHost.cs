using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// A host the session has connected to: its name, how it was reached and the open connection. The connection is always
    /// the bounded one (<see cref="BoundedHostConnection"/>): whoever holds a host can only call it within the call limit,
    /// and what its calls throw has the secrets of <see cref="Uri"/> and of the credential masked.
    /// </summary>
    public sealed class ConnectedHost
    {
        /// <summary>The limit of a host made outside a registry (tests, tools): the registry's default.</summary>
        public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(15);

        private readonly BoundedHostConnection connection;
        private readonly HostCallGate gate;

        /// <param name="connection">the provider's connection (a bounded one is unwrapped, with its way of reopening, and bounded anew under this name)</param>
        /// <param name="callTimeout">how long a call may take now, read at each call (the registry's CallTimeout); null: <see cref="DefaultCallTimeout"/></param>
        /// <param name="credential">the credential the connection was opened with: its password is masked like the URI's</param>
        /// <param name="reopen">opens the connection again when it died (same URI and credential); null: never reopened</param>
        /// <param name="migrationAddresses">the host's addresses for migration streams, as given at connect (the first is where moves to it go by default)</param>
        public ConnectedHost(string name, HostUri uri, string provider, IHostConnection connection, string? migrationAddress, Func<TimeSpan>? callTimeout = null, HostCredential? credential = null, Func<IHostConnection>? reopen = null,
            IReadOnlyList<string>? migrationAddresses = null)
        {
            Name = name;
            Uri = uri;
            Provider = provider;
            var link = connection is BoundedHostConnection bounded ? bounded.Link : new HostLink(connection, reopen);
            gate = new HostCallGate(name, callTimeout ?? (() => DefaultCallTimeout), SecretRedaction.For(uri, credential));
            this.connection = new BoundedHostConnection(link, gate);
            MigrationAddresses = migrationAddresses ?? Array.Empty<string>();
            MigrationAddress = migrationAddress ?? (MigrationAddresses.Count > 0 ? TcpUri(MigrationAddresses[0]) : null);
        }

        /// <summary>tcp://address, brackets round an IPv6 address.</summary>
        public static string TcpUri(string address) => "tcp://" + (address.Contains(":") ? "[" + address + "]" : address);

        public string Name { get; }

        /// <summary>How the host was reached; it reads as its display form, secrets masked.</summary>
        public HostUri Uri { get; }
        public string Provider { get; }

        /// <summary>Every call within the call time limit; not given up on a stop request (see <see cref="CancellableConnection"/>).</summary>
        public IHostConnection Connection => connection;

        /// <summary>The same connection, whose reads also give up when <paramref name="cancellationToken"/> is cancelled.</summary>
        public IHostConnection CancellableConnection(CancellationToken cancellationToken) => connection.WithCancellation(cancellationToken);

        /// <summary>Where this host listens for incoming migration streams (a lab host: tcp://127.0.0.1).</summary>
        public string? MigrationAddress { get; }

        /// <summary>The host's addresses for migration streams given at connect (see <see cref="MigrationNetwork"/>).</summary>
        public IReadOnlyList<string> MigrationAddresses { get; }
        /// <summary>
        /// Keeps a clean-up for when this host can be reached again (see <see cref="HostCallGate.WhenReachable"/>): what a job
        /// could not take back while the host was down is taken back by the next call this process makes to it.
        /// </summary>
        public void WhenReachable(Action cleanup) => gate.WhenReachable(cleanup);

        /// <summary>The hosts of the registry this host is connected in (null outside a registry): where a clean-up looks for a VM that moved on.</summary>
        public Func<IReadOnlyList<ConnectedHost>>? Peers { get; internal set; }

        public override string ToString() => Name;
    }
}
