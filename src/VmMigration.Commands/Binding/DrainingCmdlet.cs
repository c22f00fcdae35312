using System.Management.Automation;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>
    /// What the cmdlets that drain hosts share, with the same meaning in each: the evacuation engine's limits, the rules
    /// the moves respect, the journal and -Resume, -Force and -AsJob.
    /// </summary>
    public abstract class DrainingCmdlet : VmMigrationCmdlet
    {
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RulePath { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int MaxConcurrent { get; set; } = 4;

        /// <summary>Bandwidth shared by all moves in flight; 0 means no shared budget.</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public long BandwidthMBps { get; set; }

        /// <summary>TLS for each live move's memory and disk streams: Auto (where both hosts can, the result says), Required (or no move), None.</summary>
        [Parameter]
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;

        /// <summary>The network (CIDR) every move's memory stream must cross: it goes to each destination's address in it.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MigrationNetwork { get; set; }

        /// <summary>-MigrationNetwork as given, checked: a terminating InvalidArgument when it is not a CIDR.</summary>
        protected string? CheckedMigrationNetwork() => CheckMigrationNetwork(MigrationNetwork);

        /// <summary>Where the journal is kept; by default in the module's state directory.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? JournalPath { get; set; }

        /// <summary>Continue a run that was killed or stopped, from its journal.</summary>
        [Parameter]
        public SwitchParameter Resume { get; set; }

        /// <summary>Never prompt (for pipelines and scheduled tasks); -WhatIf is still honoured.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>How long to wait, in seconds, while another run (on this or another machine) holds hosts this run needs; 0 stops at once with HostHeldByAnotherRun.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int WaitSec { get; set; }

        /// <summary>The rules of -RulePath, or none; a missing or unreadable file is a bad invocation (terminating).</summary>
        protected ClusterRules? ReadRules() => RulePath == null ? null : ReadRulesFile(RulePath);
    }
}
