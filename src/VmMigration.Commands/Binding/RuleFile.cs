using System.IO;
using System.Management.Automation;
using VmMigration.Planning;

namespace VmMigration.Commands
{
    /// <summary>Reads and writes the cluster rules file for the rule cmdlets; a file that does not exist yet is an empty rule set.</summary>
    internal static class RuleFile
    {
        public static string Resolve(PSCmdlet cmdlet, string path) => cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        public static ClusterRules ReadOrEmpty(string fullPath) => File.Exists(fullPath) ? ClusterRulesFile.Read(fullPath) : new ClusterRules();
    }
}
