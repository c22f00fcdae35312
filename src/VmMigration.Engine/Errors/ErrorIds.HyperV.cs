namespace VmMigration.Errors
{
    /// <summary>The error ids of the Hyper-V provider: part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        /// <summary>An option Hyper-V has no equivalent for (post-copy, compression, auto-converge, max-downtime tuning).</summary>
        public const string OptionNotSupportedOnHyperV = "OptionNotSupportedOnHyperV";

        /// <summary>The destination host does not accept incoming live migrations (EnableVirtualSystemMigration false, no listener).</summary>
        public const string MigrationDisabledOnDestination = "MigrationDisabledOnDestination";

        /// <summary>Something the module does on libvirt hosts that its Hyper-V provider cannot do (memory peek, disk overlays, storage pools, leases).</summary>
        public const string NotSupportedOnHyperV = "NotSupportedOnHyperV";

        /// <summary>
        /// Hyper-V says the VM cannot move to the destination: one Msvm_Error reason of CheckSystemCompatibilityInfo or of
        /// CheckVirtualSystemIsMigratableToHost, in the host's own words.
        /// </summary>
        public const string HyperVIncompatible = "HyperVIncompatible";

        /// <summary>Source and destination are hosts of different hypervisors (libvirt and Hyper-V): no live migration crosses them.</summary>
        public const string DifferentHypervisors = "DifferentHypervisors";

        /// <summary>A Hyper-V method returned an error code (neither 0 nor 4096).</summary>
        public const string HyperVMethodFailed = "HyperVMethodFailed";
    }
}
