using System.Collections.Generic;

namespace VmMigration
{
    /// <summary>What Stop-MigrationJob did to one job: where the VM runs now and what it removed.</summary>
    public sealed class MigrationJobStopResult
    {
        public string VMName { get; set; } = "";
        public string Uuid { get; set; } = "";
        public MigrationJobKind Kind { get; set; }
        public string Source { get; set; } = "";
        /// <summary>Empty when the migration's destination was not known.</summary>
        public string Destination { get; set; } = "";
        public MigrationJobStopStatus Status { get; set; }
        /// <summary>The host the VM runs on now, as the hosts answered; empty when none said it runs there.</summary>
        public string RunningOn { get; set; } = "";
        /// <summary>What was removed, one line each ("paused copy of 'web1' on 'b'"); empty when nothing was left to remove.</summary>
        public List<string> Removed { get; set; } = new List<string>();
        public long DurationMs { get; set; }
        public string Message { get; set; } = "";

        public override string ToString() => $"{VMName}: {Status}, running on {(RunningOn.Length > 0 ? RunningOn : "?")}";
    }

    public enum MigrationJobStopStatus
    {
        /// <summary>The job was aborted and the VM runs on its source, with no copy left elsewhere.</summary>
        Aborted,
        /// <summary>The migration completed before the abort reached it: the VM runs on its destination.</summary>
        CompletedFirst,
        /// <summary>The job ended but no host said it runs the VM: see Message.</summary>
        Unknown,
    }
}
