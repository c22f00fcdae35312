namespace VmMigration.Providers.HyperV
{
    /// <summary>Error ids of the Hyper-V provider (kept here so the shared ErrorIds file is not touched while it is refactored).</summary>
    public static class HyperVErrorIds
    {
        /// <summary>An option Hyper-V has no equivalent for (post-copy, compression, auto-converge, max-downtime tuning).</summary>
        public const string OptionNotSupportedOnHyperV = "OptionNotSupportedOnHyperV";

        /// <summary>The destination host does not accept incoming live migrations (EnableVirtualSystemMigration false, no listener).</summary>
        public const string MigrationDisabledOnDestination = "MigrationDisabledOnDestination";

        /// <summary>A Hyper-V method returned an error code (neither 0 nor 4096).</summary>
        public const string HyperVMethodFailed = "HyperVMethodFailed";
    }
}
