using System;

namespace VmMigration.Providers
{
    /// <summary>
    /// When a balance run last moved a VM, kept with the VM itself on its host (libvirt: domain metadata in its live and
    /// persistent definition), so that it migrates with the VM and every runner that reaches the host sees it: balancing
    /// leaves the VM where it is until the cooldown has passed. Evacuation and maintenance do not read it.
    /// </summary>
    public sealed class BalanceRecord
    {
        /// <summary>When the balancing move finished (UTC).</summary>
        public DateTime MovedAt { get; set; }
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        /// <summary>The machine the balance run ran on (a name, never a credential), for the person who wonders who moved it.</summary>
        public string Runner { get; set; } = "";

        public override string ToString() => $"moved {Source} -> {Destination} at {MovedAt:u} by {Runner}";
    }
}
