namespace VmMigration.Execution.Clone
{
    /// <summary>A clone's progress: which step, and for a disk copy how far it is.</summary>
    public sealed class CloneProgress
    {
        public CloneProgress(string activity, long doneBytes = 0, long totalBytes = 0)
        {
            Activity = activity;
            DoneBytes = doneBytes;
            TotalBytes = totalBytes;
        }

        public string Activity { get; }
        public long DoneBytes { get; }
        public long TotalBytes { get; }
    }
}
