using System;

namespace VmMigration.Commands
{
    /// <summary>What -Destination and -HostName accept: a MigrationHost from Get-MigrationHost, or a host name.</summary>
    public sealed class HostReference
    {
        public HostReference(string name)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A host name cannot be empty.", nameof(name));
            }
            Name = name;
        }

        public HostReference(MigrationHost host)
        {
            Name = (host ?? throw new ArgumentNullException(nameof(host))).Name;
        }

        public string Name { get; }

        public override string ToString() => Name;
    }
}
