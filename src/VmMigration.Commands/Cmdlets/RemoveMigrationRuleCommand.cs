using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Removes placement rules from a cluster rules file by name.</summary>
    [Cmdlet(VerbsCommon.Remove, "MigrationRule", DefaultParameterSetName = FileSystemPath.PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveMigrationRuleCommand : VmMigrationCmdlet
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

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(RuleNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var path = ResolvePathOrLiteralPath(Path, LiteralPath);
            try
            {
                var rules = ClusterRulesFile.Read(path);
                foreach (var name in Name)
                {
                    if (!rules.Rules.Exists(r => string.Equals(r.Name, name, StringComparison.Ordinal)))
                    {
                        WriteMigrationError(new MigrationException(ErrorIds.RuleNotFound, ErrorKind.ObjectNotFound,
                            $"The rules file '{path}' has no rule named '{name}'. List them with Get-MigrationRule.", name));
                        continue;
                    }
                    if (ShouldProcess(path, $"Remove rule '{name}'"))
                    {
                        rules.Remove(name);
                        ClusterRulesFile.Write(path, rules);
                    }
                }
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
            }
        }
    }
}
