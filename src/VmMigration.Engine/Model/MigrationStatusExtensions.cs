namespace VmMigration
{
    /// <summary>The one rule of which outcomes are failures; every cmdlet and -AsJob writes an error record for these alone.</summary>
    public static class MigrationStatusExtensions
    {
        /// <summary>
        /// Failed and Aborted are failures: the VM is not where it was asked to go. Succeeded is not, and neither is Skipped,
        /// which means there was nothing to do (already on its destination, disks already in the pool), so that a runbook
        /// run again under -ErrorAction Stop goes through.
        /// </summary>
        public static bool IsFailure(this MigrationStatus status) => status == MigrationStatus.Failed || status == MigrationStatus.Aborted;
    }
}
