using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>The placement rules of a cluster rules file (the JSON file a team keeps in version control).</summary>
    [Cmdlet(VerbsCommon.Get, "MigrationRule", DefaultParameterSetName = FileSystemPath.PathSet)]
    [OutputType(typeof(PlacementRule))]
    public sealed class GetMigrationRuleCommand : VmMigrationCmdlet
    {
        /// <summary>The cluster rules file; wildcards may name it if they match exactly one file.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSystemPath.PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>The cluster rules file, taken as written: [ and ] are part of the name, not wildcards.</summary>
        [Parameter(Mandatory = true, ParameterSetName = FileSystemPath.LiteralPathSet)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; } = "";

        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(RuleNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            var path = ResolvePathOrLiteralPath(Path, LiteralPath);
            try
            {
                var rules = ClusterRulesFile.Read(path);
                var patterns = (Name ?? new[] { "*" }).Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
                WriteObject(rules.Rules.Where(r => patterns.Any(p => p.IsMatch(r.Name))), true);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
