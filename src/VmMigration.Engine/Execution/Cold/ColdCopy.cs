namespace VmMigration.Execution.Cold
{
    /// <summary>One disk of a cold move as the journal keeps it: the source volume and where its copy goes on the destination.</summary>
    public sealed class ColdCopy
    {
        public string Source { get; set; } = "";
        public string Copy { get; set; } = "";
    }
}
