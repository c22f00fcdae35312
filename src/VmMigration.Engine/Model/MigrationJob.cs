using System;

namespace VmMigration
{
    /// <summary>
    /// One job in flight on the connected hosts, whoever started it, as Get-MigrationJob shows it: the hypervisor's own job
    /// (a migration's outgoing side on its source and incoming side on its destination make one job), or a move an
    /// evacuation journal of this machine's state directory records as in flight.
    /// </summary>
    public sealed class MigrationJob
    {
        public string VMName { get; set; } = "";
        public string Uuid { get; set; } = "";
        public MigrationJobKind Kind { get; set; }
        /// <summary>What the hypervisor says the job does (MigrationOut, MigrationIn, Save, Dump, Backup, ...); Unknown when it does not say.</summary>
        public string Operation { get; set; } = "";
        /// <summary>Where the job runs and can be aborted: a migration's source, an incoming migration's destination when its source is not connected.</summary>
        public string HostName { get; set; } = "";
        /// <summary>Empty when not known (an incoming migration whose source is not connected here).</summary>
        public string Source { get; set; } = "";
        /// <summary>Empty when not known (an outgoing migration whose destination is not connected here and that this process did not start).</summary>
        public string Destination { get; set; } = "";
        /// <summary>Empty when the host does not report the job's size (a destination does not).</summary>
        public double? PercentComplete { get; set; }
        public long? DataTotalBytes { get; set; }
        public long? DataProcessedBytes { get; set; }
        public long? DataRemainingBytes { get; set; }
        /// <summary>Memory copy passes so far (a migration's pre-copy iterations); empty when not reported.</summary>
        public int? Iteration { get; set; }
        public double? ElapsedSec { get; set; }
        /// <summary>When the job started (UTC), from its elapsed time; empty when neither is known.</summary>
        public DateTime? StartTime { get; set; }
        /// <summary>
        /// Who runs it, when this process can tell: "this process (machine, PID)" for a move this PowerShell process started.
        /// Empty for a job started elsewhere (another process, another machine, virsh): leases that name other runners do not exist yet.
        /// </summary>
        public string HeldBy { get; set; } = "";
        /// <summary>The evacuation run whose journal records this move in flight ("evacuation of 'lab1'"); empty when none does.</summary>
        public string Run { get; set; } = "";
        /// <summary>The journal that records it, when <see cref="Run"/> is set.</summary>
        public string JournalPath { get; set; } = "";

        public override string ToString() =>
            $"{VMName}: {Kind} {(Source.Length > 0 ? Source : "?")} -> {(Destination.Length > 0 ? Destination : "?")}{(PercentComplete.HasValue ? $" {PercentComplete:0.#} %" : "")}";
    }

    public enum MigrationJobKind
    {
        /// <summary>A live migration seen on its source (and, when connected, its destination).</summary>
        LiveMigration,
        /// <summary>A migration seen only on its destination: its source is not connected in this session.</summary>
        IncomingMigration,
        /// <summary>A move of a VM's disks into another pool of its host, run by this process (block copies are not hypervisor jobs).</summary>
        StorageCopy,
        /// <summary>A move an evacuation journal records as in flight, with no hypervisor job on it now (a cold copy, or a runner that died).</summary>
        JournaledMove,
        /// <summary>Another hypervisor job (save, dump, snapshot, backup): see <see cref="MigrationJob.Operation"/>.</summary>
        Other,
    }
}
