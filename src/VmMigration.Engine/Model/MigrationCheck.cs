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
        /// <summary>
        /// Whether the pair can move this VM over TLS: false when a TLS move between them failed lately (this session), null
        /// when not known. libvirt cannot be asked whether a host has its migration certificates; a move finds out at once,
        /// before anything leaves the source, and Auto then moves in the clear.
        /// </summary>
        public bool? CanEncrypt { get; set; }
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
