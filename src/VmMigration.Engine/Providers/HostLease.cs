using System;

namespace VmMigration.Providers
{
    /// <summary>
    /// A claim kept on a host itself, through its hypervisor's own API, so that every runner that can reach the host sees
    /// it without a shared filesystem or an agent: a run holding the host, or the host's maintenance mark. At most one
    /// lease of a name exists on a host; taking one is atomic on the host. A run's lease expires unless renewed, so a
    /// runner that died never blocks a host for longer than the lease's lifetime; a maintenance mark never expires.
    /// </summary>
    public sealed class HostLease
    {
        /// <summary>The lease a run (evacuation, balancing, rolling maintenance) holds on every host it may act on.</summary>
        public const string Run = "run";

        /// <summary>The mark of a host in maintenance: the planner of every runner places nothing there.</summary>
        public const string Maintenance = "maintenance";

        /// <summary>What it claims: <see cref="Run"/> or <see cref="Maintenance"/>.</summary>
        public string Name { get; set; } = "";

        /// <summary>This taking of the lease (a UUID): renewing or releasing needs it, so nobody releases another's lease by its name.</summary>
        public string Id { get; set; } = "";

        /// <summary>Who holds it: user, machine and process.</summary>
        public string Holder { get; set; } = "";

        /// <summary>The machine the holder runs on, and its process there: a runner on the same machine can tell a holder that died.</summary>
        public string Machine { get; set; } = "";
        public int ProcessId { get; set; }

        /// <summary>What the holder does, e.g. "Invoke-HostEvacuation of lab1".</summary>
        public string Purpose { get; set; } = "";

        public DateTime Since { get; set; }

        /// <summary>When it lapses unless renewed; null for a lease kept until released (a maintenance mark).</summary>
        public DateTime? ExpiresAt { get; set; }

        public bool IsExpired(DateTime now) => ExpiresAt.HasValue && ExpiresAt.Value <= now;

        /// <summary>"Invoke-HostEvacuation of lab1 by admin@box (pid 42) since 2026-12-02 10:00:00Z", for messages.</summary>
        public string Describe() =>
            $"{Purpose} by {Holder} since {Since:u}" + (ExpiresAt.HasValue ? $" (lapses at {ExpiresAt.Value:u} unless renewed)" : "");

        /// <summary>A new taking of a lease by this process.</summary>
        public static HostLease ForThisProcess(string name, string purpose, DateTime now, DateTime? expiresAt)
        {
            var pid = System.Diagnostics.Process.GetCurrentProcess().Id;
            return new HostLease
            {
                Name = name, Id = Guid.NewGuid().ToString(), Holder = $"{Environment.UserName}@{Environment.MachineName} (pid {pid})",
                Machine = Environment.MachineName, ProcessId = pid, Purpose = purpose, Since = now, ExpiresAt = expiresAt,
            };
        }
    }
}
