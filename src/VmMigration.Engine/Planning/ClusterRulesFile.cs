using System.IO;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>Reads and writes the JSON cluster file (rules, reserves, maintenance hosts).</summary>
    public static class ClusterRulesFile
    {
        private const string What = "cluster rules file";

        public static ClusterRules Parse(string json) => PlanningJson.Parse<ClusterRules>(json, ErrorIds.InvalidRules, What, rules => rules.Validate());

        public static string Serialize(ClusterRules rules)
        {
            rules.Validate();
            return PlanningJson.Serialize(rules);
        }

        /// <summary>The rules of the file at <paramref name="path"/>; RuleFileNotFound when there is no such file.</summary>
        public static ClusterRules Read(string path)
        {
            // A missing file is not an empty rule set: a mistyped path would otherwise plan with no rules at all.
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
                throw new MigrationException(ErrorIds.RuleFileNotFound, ErrorKind.ObjectNotFound,
                    $"There is no cluster rules file at '{path}'. Check the path, or create the file with New-MigrationRule.", path);
            return PlanningJson.Read<ClusterRules>(path, ErrorIds.InvalidRules, What, rules => rules.Validate());
        }

        /// <summary>The rules of the file at <paramref name="path"/>, or none when the file does not exist yet (a first New-MigrationRule).</summary>
        public static ClusterRules ReadOrEmpty(string path) => File.Exists(path) ? Read(path) : new ClusterRules();

        public static void Write(string path, ClusterRules rules) => PlanningJson.WriteFile(path, Serialize(rules));
    }
}
