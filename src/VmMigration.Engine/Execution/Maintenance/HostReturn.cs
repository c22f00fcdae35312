using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>
    /// Waits for a host to answer after its script, which may have rebooted it or restarted its daemon: that kills the
    /// connection for good (even once the host is back), while IsAlive may not know yet. So each probe asks the host on the
    /// connection it has and, when that fails, opens a new one the way the first was opened (<see cref="HostRegistry.Reconnect"/>),
    /// until the host answers or the time is up. A host this session never connected (a run resumed in a new session) is
    /// connected with the URI the journal kept.
    /// </summary>
    internal sealed class HostReturn
    {
        private readonly HostRegistry registry;
        private readonly RollingMaintenanceOptions options;

        public HostReturn(HostRegistry registry, RollingMaintenanceOptions options)
        {
            this.registry = registry;
            this.options = options;
        }

        /// <summary>The host's facts once it answers; HostDidNotReturn when it does not within the time given.</summary>
        public HostFacts Wait(RollingMaintenanceHostEntry entry, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                MigrationException lastError;
                try
                {
                    return Probe(entry, cancellationToken);
                }
                catch (MigrationException error)
                {
                    lastError = error;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    throw new MigrationException(ErrorIds.HostDidNotReturn, ErrorKind.OperationTimeout,
                        $"Host '{entry.HostName}' did not answer within {timeout.TotalSeconds:0} s after its script (last: {lastError.Message}). " +
                        "It stays in maintenance; once it is back, check it and take it out with Resume-MigrationHost, or raise -HostReturnTimeoutSec and -Resume.",
                        entry.HostName, lastError);
                }
                cancellationToken.WaitHandle.WaitOne(left < options.HostReturnPollInterval ? left : options.HostReturnPollInterval);
            }
        }

        private HostFacts Probe(RollingMaintenanceHostEntry entry, CancellationToken cancellationToken)
        {
            var host = registry.Find(entry.HostName);
            if (host == null)
            {
                if (string.IsNullOrEmpty(entry.HostUri))
                {
                    registry.Resolve(entry.HostName);   // HostNotFound, naming the hosts that are connected
                }
                host = registry.Connect(new HostUri(entry.HostUri!), entry.HostName, null, options.ConnectTimeout, null, cancellationToken);
                return host.CancellableConnection(cancellationToken).GetHostFacts();
            }
            // A connection that died with the host's reboot is opened again by this call (same URI and credential).
            return host.CancellableConnection(cancellationToken).GetHostFacts();
        }
    }
}
