using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>A host the session has connected to: its name, how it was reached and the open connection.</summary>
    public sealed class ConnectedHost
    {
        public ConnectedHost(string name, string uri, string provider, IHostConnection connection, string? migrationAddress)
        {
            Name = name;
            Uri = uri;
            Provider = provider;
            Connection = connection;
            MigrationAddress = migrationAddress;
        }

        public string Name { get; }
        public string Uri { get; }
        public string Provider { get; }
        public IHostConnection Connection { get; }
        /// <summary>Where this host listens for incoming migration streams (a lab host: tcp://127.0.0.1).</summary>
        public string? MigrationAddress { get; }
        public override string ToString() => Name;
    }
}
