using System;
using System.Collections.Generic;
using VmMigration.Planning;

using VmMigration.Session;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>How a host evacuation runs: its limits, its deadline and where it keeps its journal.</summary>
    public sealed class EvacuationOptions
    {
        public string HostName { get; set; } = "";
        /// <summary>A plan to follow instead of planning (checked for staleness first).</summary>
        public MigrationPlan? Plan { get; set; }
        public ClusterRules? Rules { get; set; }
        /// <summary>How long to wait while another run holds hosts this run needs (Session.RunHold); zero: stop at once.</summary>
        public TimeSpan WaitForHolds { get; set; }
        /// <summary>The hold of the run this evacuation is part of (a rolling maintenance's); null: it takes its own.</summary>
        public RunHold? Hold { get; set; }
        public int MaxConcurrent { get; set; } = 4;
        public int MaxConcurrentPerHost { get; set; } = 2;
        /// <summary>Bandwidth shared by the moves in flight; 0 means no budget (each move unlimited).</summary>
        public long BandwidthMBps { get; set; }
        public DateTime? Deadline { get; set; }
        public long MaxDowntimeMs { get; set; } = 300;
        public bool AllowPostCopy { get; set; }
        /// <summary>Whether the live moves go over TLS (see <see cref="LiveMigrationRequest.Encryption"/>).</summary>
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;
        /// <summary>The network (CIDR) every move's data stream must cross (see <see cref="LiveMigrationRequest.MigrationNetwork"/>); null: each destination's own address.</summary>
        public string? MigrationNetwork { get; set; }
        public TimeSpan MoveTimeout { get; set; } = TimeSpan.FromMinutes(10);
        public string JournalPath { get; set; } = "";
        public bool Resume { get; set; }
        public bool StopOnError { get; set; }
        /// <summary>Move shut-off VMs too, cold (definition and disk volumes), placed by the planner with the running ones (see <see cref="Planning.PlanningOptions.IncludeStopped"/>).</summary>
        public bool IncludeStopped { get; set; }
        /// <summary>Destinations the planner fills first where they have room (see <see cref="Planning.PlanningOptions.PreferredDestinations"/>).</summary>
        public List<string>? PreferredDestinations { get; set; }
    }
}
