using System.Collections.Generic;

namespace VmMigration
{
    /// <summary>The answer of a pre-flight check: can this VM move to that host now, and if not, every reason why.</summary>
    public sealed class MigrationCheck
    {
        public string VMName { get; set; } = "";
        public string Source { get; set; } = "";
        public string Destination { get; set; } = "";
        public bool Compatible { get; set; }
        public IList<MigrationCheckReason> Reasons { get; set; } = new List<MigrationCheckReason>();
        public override string ToString() => Compatible ? $"{VMName} -> {Destination}: compatible" : $"{VMName} -> {Destination}: {Reasons.Count} reason(s)";
    }

    /// <summary>One reason a VM cannot move: a stable code (the error id Move-VMLive would raise) and a message.</summary>
    public sealed class MigrationCheckReason
    {
        public string Code { get; set; } = "";
        public string Message { get; set; } = "";
        public override string ToString() => $"{Code}: {Message}";
    }
}
