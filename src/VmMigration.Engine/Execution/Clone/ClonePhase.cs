namespace VmMigration.Execution.Clone
{
    /// <summary>The phases of a <see cref="CloneJob"/> after its checks.</summary>
    public enum ClonePhase
    {
        /// <summary>Copying or linking the disks (a running source's frozen under temporary overlays meanwhile).</summary>
        Copying,

        /// <summary>Defining the clone with its new identity, and protecting a linked clone's parent.</summary>
        Defining,

        /// <summary>Starting the clone when asked, and reading it back.</summary>
        Starting,
    }
}
