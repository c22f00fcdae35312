using System.Linq;
using System.Management.Automation;
using VmMigration.Execution.Evacuation;
using VmMigration.Session;
using VmMigration.State;

namespace VmMigration.Commands
{
    /// <summary>Takes a host out of maintenance; with -Failback, moves back the VMs its last evacuation moved away.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "MigrationHost", SupportsShouldProcess = true)]
    [OutputType(typeof(MigrationResult), typeof(MigrationHost))]
    public sealed class ResumeMigrationHostCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference HostName { get; set; } = null!;

        [Parameter]
        public SwitchParameter Failback { get; set; }

        /// <summary>With -Failback: TLS for the moves back: Auto (where both hosts can, the result says), Required (or no move), None.</summary>
        [Parameter]
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;

        /// <summary>Rules the moved-back VMs must respect (MustRunOn, MustNotRunOn).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RulePath { get; set; }

        /// <summary>With -Failback: how long to wait, in seconds, while another run (on this or another machine) holds hosts the moves back need; 0 stops at once with HostHeldByAnotherRun.</summary>
        [Parameter]
        [ValidateRange(0, 86400)]
        public int WaitSec { get; set; }

        private bool WhatIfRequested => MyInvocation.BoundParameters.ContainsKey("WhatIf");

        protected override void ProcessRecord()
        {
            var host = ResolveDestination(HostName);
            var facts = host.Connection.GetHostFacts();
            var store = MaintenanceStore.Default;
            var mark = store.Find(facts.HostUuid, host.Name);
            // A mark the host keeps, made by a runner on another machine, counts as much as this runner's own.
            var hostMark = HostMaintenanceMark.Find(HostMaintenanceMark.TryList(host.Connection));
            if (mark == null && hostMark == null)
            {
                WriteWarning($"Host '{host.Name}' is not in maintenance.");
            }
            else if (ShouldProcess($"host '{host.Name}'", "Leave maintenance"))
            {
                HostMaintenanceMark.Leave(store, host, facts.HostUuid);
            }

            if (Failback && mark?.JournalPath != null && ShouldProcess($"host '{host.Name}'", "Move back the VMs its last evacuation moved away"))
            {
                var rules = RulePath == null ? null : ReadRulesFile(RulePath);
                var pump = new PipelinePump();
                var progress = new MigrationProgressWriter(pump, 1);
                var failback = new HostFailback(Registry, Inventory);
                pump.Run(this, CancellationToken, token =>
                {
                    foreach (var result in failback.Run(host, mark.JournalPath, rules, progress, token, Encryption, null, System.TimeSpan.FromSeconds(WaitSec),
                        waiting => pump.Post(cmdlet => cmdlet.WriteWarning(waiting))))
                    {
                        pump.Post(cmdlet => cmdlet.WriteResult(result));
                    }
                    return true;
                });
            }
            if (mark?.JournalPath != null && !WhatIfRequested)
            {
                // The next evacuation of this host starts a fresh journal; this one is kept beside it, archived.
                EvacuationJournal.Archive(mark.JournalPath);
            }
            WriteObject(Inventory.DescribeHosts(new[] { host }, CancellationToken).Single());
        }
    }
}
