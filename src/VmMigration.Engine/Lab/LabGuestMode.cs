namespace VmMigration.Lab
{
    /// <summary>How the lab guest rewrites its working set.</summary>
    public enum LabGuestMode
    {
        /// <summary>Rewrite pages at the requested MiB/s (the realistic case); rate 0 writes the pattern once.</summary>
        Paced = 0,

        /// <summary>Rewrite every page as fast as the CPU allows, ignoring the rate (the adversarial case).</summary>
        TouchAll = 1,
    }
}
