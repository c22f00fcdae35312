using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>The connected hosts with capacity and usage, gathered in parallel; a silent host shows as Unreachable.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationHost")]
    [OutputType(typeof(MigrationHost))]
    public sealed class GetMigrationHostCommand : VmMigrationCmdlet
    {
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("HostName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            var selected = SelectHostsOrReport(Name);
            WriteObject(Inventory.DescribeHosts(selected, CancellationToken), true);
        }
    }
}
