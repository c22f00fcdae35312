namespace VmMigration.Errors
{
    /// <summary>The error ids of the Hyper-V provider: part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        /// <summary>An option Hyper-V has no equivalent for (post-copy, compression, auto-converge, max-downtime tuning).</summary>
        public const string OptionNotSupportedOnHyperV = "OptionNotSupportedOnHyperV";

        /// <summary>The destination host does not accept incoming live migrations (EnableVirtualSystemMigration false, no listener).</summary>
        public const string MigrationDisabledOnDestination = "MigrationDisabledOnDestination";

        /// <summary>A Hyper-V method returned an error code (neither 0 nor 4096).</summary>
        public const string HyperVMethodFailed = "HyperVMethodFailed";
    }
}
