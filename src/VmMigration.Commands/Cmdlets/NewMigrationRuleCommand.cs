using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Adds a placement rule to a cluster rules file; a rule that contradicts another is refused and both are named.</summary>
    [Cmdlet(VerbsCommon.New, "MigrationRule", DefaultParameterSetName = FileSystemPath.PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(PlacementRule))]
    public sealed class NewMigrationRuleCommand : VmMigrationCmdlet
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
            var path = ResolvePathOrLiteralPath(Path, LiteralPath);
            try
            {
                // Creating the file is this cmdlet's job; creating a missing folder is not (ClusterRulesFile.Write refuses).
                var rules = ClusterRulesFile.ReadOrEmpty(path);
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
