using System;
using System.Collections.Generic;
using VmMigration.Planning;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>How a rolling maintenance runs: its hosts and their order, what comes back, its limits and its journal.</summary>
    public sealed class RollingMaintenanceOptions
    {
        /// <summary>The hosts, in the order given.</summary>
        public List<string> HostNames { get; set; } = new List<string>();
        /// <summary>Hosts of <see cref="HostNames"/> left out of the run (reported Skipped).</summary>
        public List<string> SkipHosts { get; set; } = new List<string>();
        public MaintenanceHostOrder HostOrder { get; set; } = MaintenanceHostOrder.Given;
        public MaintenanceFailback Failback { get; set; } = MaintenanceFailback.Original;
        /// <summary>The run goes on while no more hosts than this have failed, then starts no new host.</summary>
        public int MaxFailedHosts { get; set; }
        /// <summary>How long a host has, after its script, to answer again.</summary>
        public TimeSpan HostReturnTimeout { get; set; } = TimeSpan.FromMinutes(30);
        /// <summary>How often a host that is not back is probed.</summary>
        public TimeSpan HostReturnPollInterval { get; set; } = TimeSpan.FromSeconds(5);
        /// <summary>How long opening a connection to a host may take, when the run must open one itself (see <see cref="Session.HostRegistry.Reconnect"/>).</summary>
        public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>No host is started after it; each drain starts no move predicted to end after it.</summary>
        public DateTime? Deadline { get; set; }
        /// <summary>How long to wait while another run holds hosts this run needs (Session.RunHold); zero: stop at once.</summary>
        public TimeSpan WaitForHolds { get; set; }
        public int MaxConcurrent { get; set; } = 4;
        public int MaxConcurrentPerHost { get; set; } = 2;
        /// <summary>Bandwidth shared by the moves in flight; 0 means no budget.</summary>
        public long BandwidthMBps { get; set; }
        public long MaxDowntimeMs { get; set; } = 300;
        /// <summary>Whether the drains' and failbacks' live moves go over TLS (see <see cref="LiveMigrationRequest.Encryption"/>).</summary>
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;
        /// <summary>The network (CIDR) every move's data stream must cross (see <see cref="LiveMigrationRequest.MigrationNetwork"/>); null: each destination's own address.</summary>
        public string? MigrationNetwork { get; set; }
        public ClusterRules? Rules { get; set; }
        public string JournalPath { get; set; } = "";
        /// <summary>Continue the run the journal records (killed or stopped); without it an unfinished journal is refused.</summary>
        public bool Resume { get; set; }
    }

    public enum MaintenanceHostOrder
    {
        /// <summary>The order of -HostName (a host that cannot be drained is refused at preflight unless skipped).</summary>
        Given,
        /// <summary>
        /// Chosen so that VMs move as few times as possible: with Failback None, each turn takes the host whose drain sends
        /// the least memory onto hosts still to do. With Failback Original every order moves the same VMs, and the given one is kept.
        /// </summary>
        Auto,
    }

    public enum MaintenanceFailback
    {
        /// <summary>VMs stay where the drain moved them; later drains prefer the hosts already done, so a VM moves once where it can.</summary>
        None,
        /// <summary>After its turn, each host gets back the VMs its drain moved away (where they still run where they were moved).</summary>
        Original,
    }
}
