using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>The placement rules of a cluster rules file (the JSON file a team keeps in version control).</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationRule")]
    [OutputType(typeof(PlacementRule))]
    public sealed class GetMigrationRuleCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Position = 0)]
        [SupportsWildcards]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var rules = RuleFile.ReadOrEmpty(RuleFile.Resolve(this, Path));
                var patterns = (Name ?? new[] { "*" }).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
                WriteObject(rules.Rules.Where(r => patterns.Any(p => p.IsMatch(r.Name))), true);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, Path);
            }
        }
    }
}
