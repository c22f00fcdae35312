using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Removes placement rules from a cluster rules file by name.</summary>
    [Cmdlet(VerbsCommon.Remove, "MigrationRule", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class RemoveMigrationRuleCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var path = RuleFile.Resolve(this, Path);
            try
            {
                var rules = RuleFile.ReadOrEmpty(path);
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
