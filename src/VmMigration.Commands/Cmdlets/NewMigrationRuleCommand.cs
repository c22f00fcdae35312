using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Adds a placement rule to a cluster rules file; a rule that contradicts another is refused and both are named.</summary>
    [Cmdlet(VerbsCommon.New, "MigrationRule", SupportsShouldProcess = true)]
    [OutputType(typeof(PlacementRule))]
    public sealed class NewMigrationRuleCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1)]
        public PlacementRuleKind Kind { get; set; }

        [Parameter(Mandatory = true)]
        [Alias("VMName")]
        [ValidateNotNullOrEmpty]
        public string[] VM { get; set; } = Array.Empty<string>();

        /// <summary>The hosts of MustRunOn, ShouldRunOn and MustNotRunOn rules.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var path = RuleFile.Resolve(this, Path);
            try
            {
                var rules = RuleFile.ReadOrEmpty(path);
                var rule = new PlacementRule { Name = Name, Kind = Kind, VMs = VM.ToList(), Hosts = HostName.ToList() };
                rules.Add(rule);
                if (ShouldProcess(path, $"Add {Kind} rule '{Name}'"))
                {
                    ClusterRulesFile.Write(path, rules);
                    WriteObject(rule);
                }
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, Name);
            }
        }
    }
}
