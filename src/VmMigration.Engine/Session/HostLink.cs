using System;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// The provider's connection to one host, opened again (same URI, same credential) at the first call after it died: a
    /// host that rebooted, or a connection that libvirt's keepalive closed while the host was frozen, is reached again
    /// without Connect-MigrationHost. The reopening happens inside the call that needs it, so it is bounded like that call.
    /// </summary>
    internal sealed class HostLink
    {
        private readonly object sync = new object();
        private readonly Func<IHostConnection>? reopen;
        private IHostConnection current;
        private bool closed;

        /// <param name="reopen">opens a new connection to the same host; null: the link is never reopened (tests, tools)</param>
        public HostLink(IHostConnection first, Func<IHostConnection>? reopen)
        {
            current = first;
            this.reopen = reopen;
        }

        /// <summary>The connection as it is now, alive or not; for what is answered locally (its URI, whether it is alive).</summary>
        public IHostConnection Current
        {
            get { lock (sync) { return current; } }
        }

        /// <summary>A connection to call the host on: the current one, or a new one when the current one has died.</summary>
        public IHostConnection Open()
        {
            lock (sync)
            {
                if (closed || reopen == null || current.IsAlive) return current;
                var dead = current;
                current = reopen();
                try
                {
                    dead.Dispose();
                }
                catch (Exception)
                {
                    // A dead connection that fails to close holds nothing worth keeping.
                }
                return current;
            }
        }

        /// <summary>The connection to close: it is never reopened after this.</summary>
        public IHostConnection Close()
        {
            lock (sync)
            {
                closed = true;
                return current;
            }
        }
    }
}
