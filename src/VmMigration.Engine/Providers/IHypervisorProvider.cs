using System;
using System.Threading;

namespace VmMigration.Providers
{
    /// <summary>Opens connections to hosts of one hypervisor family (libvirt today, Hyper-V later).</summary>
    public interface IHypervisorProvider
    {
        string Name { get; }

        /// <summary>
        /// Opens a connection. Never blocks longer than <paramref name="timeout"/>: a dead or silent host throws
        /// MigrationException HostConnectTimeout; a refused or unknown one throws HostUnreachable.
        /// </summary>
        IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken);
    }

    /// <summary>A user name and password for hosts whose transport asks for them. Never logged or written anywhere.</summary>
    public sealed class HostCredential
    {
        public HostCredential(string userName, string password)
        {
            UserName = userName;
            Password = password;
        }

        public string UserName { get; }
        public string Password { get; }
        public override string ToString() => UserName;
    }
}
