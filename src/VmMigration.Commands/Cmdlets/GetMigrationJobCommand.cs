using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// What is in flight on the connected hosts, whoever started it (the hypervisors' own jobs, a migration's two sides as
    /// one job), plus the moves this process runs and the open evacuation journals of this machine. Nothing changes. A host
    /// that does not answer within the call limit is a warning naming it; the others are still listed.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "MigrationJob")]
    [OutputType(typeof(MigrationJob))]
    public sealed class GetMigrationJobCommand : VmMigrationCmdlet
    {
        /// <summary>Jobs of these VMs only (names, wildcards, or UUIDs).</summary>
        [Parameter(Position = 0)]
        [Alias("VMName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public string[]? VM { get; set; }

        /// <summary>Jobs that run on, come from or go to these hosts only; also bound from MigrationHost objects in the pipeline.</summary>
        [Parameter(ValueFromPipeline = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? HostName { get; set; }

        protected override void ProcessRecord()
        {
            if (WarnIfNoHostConnected("no job can be listed", "Connect hosts with Connect-MigrationHost.")) return;
            var hosts = Registry.Hosts;
            SelectHostsOrReport(HostName); // only to report names that are not connected: the filter applies to the jobs
            var hostPatterns = HostName?.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToList();
            var vmPatterns = VM?.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToList();

            // Every connected host is asked, so that a migration from or to a named host pairs up with its other side.
            var listing = new MigrationJobReader(Registry).Read(hosts,
                hostPatterns == null ? (Func<string, bool>?)null : host => hostPatterns.Any(p => p.IsMatch(host)),
                vmPatterns == null ? (Func<string, bool>?)null : vm => vmPatterns.Any(p => p.IsMatch(vm)),
                CancellationToken);
            foreach (var failure in listing.Failures)
            {
                WriteWarning($"{failure.Message} Its jobs are not listed.");
            }
            WriteObject(listing.Jobs, true);
        }
    }
}
