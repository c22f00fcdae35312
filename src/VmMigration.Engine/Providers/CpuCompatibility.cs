namespace VmMigration.Providers
{
    /// <summary>The answer of a CPU comparison: compatible, not, or not comparable (null), and why.</summary>
    public sealed class CpuCompatibility
    {
        public CpuCompatibility(bool? compatible, string detail)
        {
            Compatible = compatible;
            Detail = detail;
        }

        public bool? Compatible { get; }
        public string Detail { get; }
    }
}
