namespace VmMigration.Providers.Libvirt
{
    /// <summary>What kind of call failed: the same libvirt code means different things to a user in each.</summary>
    internal enum LibvirtOperationContext
    {
        /// <summary>Opening a connection: transport failures mean the host is unreachable.</summary>
        Connect,
        /// <summary>Host-wide queries (facts, lists).</summary>
        Host,
        /// <summary>A call on a guest that works in any state.</summary>
        Guest,
        /// <summary>A call that needs the guest running or a job active: "operation invalid" means it is not.</summary>
        RunningGuest,
        /// <summary>The migration call itself: anything but an abort is a failed migration.</summary>
        Migration,
        /// <summary>Storage pools, volumes and their streams.</summary>
        Storage,
    }
}
