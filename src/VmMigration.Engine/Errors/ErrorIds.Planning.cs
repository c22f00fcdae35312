namespace VmMigration.Errors
{
    /// <summary>The error ids of the planner; they double as the reason codes of unplaced VMs, so a script matches one vocabulary whether a plan failed or a VM was left behind: part of the one catalogue (<see cref="ErrorIds"/>).</summary>
    public static partial class ErrorIds
    {
        public const string RuleConflict = "RuleConflict";
        public const string InvalidInventory = "InvalidInventory";
        public const string InvalidRules = "InvalidRules";
        public const string InvalidPlan = "InvalidPlan";
        /// <summary>A rules file that must exist (to read rules from, or remove them) does not.</summary>
        public const string RuleFileNotFound = "RuleFileNotFound";
        /// <summary>The folder a plan, inventory or rules file would be written to does not exist (it is never created).</summary>
        public const string DirectoryNotFound = "DirectoryNotFound";
        public const string NoEvacuationTarget = "NoEvacuationTarget";
        public const string CannotEvacuateAllHosts = "CannotEvacuateAllHosts";
        /// <summary>The VM does not fit on any in-service host even when that host is empty.</summary>
        public const string VmTooLarge = "VmTooLarge";
    }
}
