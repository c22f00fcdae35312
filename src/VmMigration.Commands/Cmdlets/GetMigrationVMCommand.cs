using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>VMs on the connected hosts, gathered in parallel; hosts that fail are reported and the rest still listed.</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationVM")]
    [OutputType(typeof(MigrationVM))]
    public sealed class GetMigrationVMCommand : VmMigrationCmdlet
    {
        [Parameter(Position = 0)]
        [Alias("VMName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Also bound from MigrationHost objects in the pipeline (Get-MigrationHost | Get-MigrationVM).</summary>
        [Parameter(ValueFromPipeline = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        protected override void ProcessRecord()
        {
            var hosts = SelectHostsOrReport(HostName);

            var vms = Inventory.ListVMs(hosts, CancellationToken, out var failures);
            foreach (var failure in failures)
            {
                WriteMigrationError(failure);
            }

            if (Name == null)
            {
                WriteObject(vms, true);
                return;
            }
            foreach (var pattern in Name)
            {
                var wildcard = WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
                var matches = vms.Where(vm => wildcard.IsMatch(vm.Name) || string.Equals(vm.Uuid, pattern, StringComparison.OrdinalIgnoreCase)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                {
                    WriteMigrationError(new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                        $"No VM named '{pattern}' on the hosts searched ({string.Join(", ", hosts.Select(h => h.Name))}).", pattern));
                }
                WriteObject(matches, true);
            }
        }
    }
}
