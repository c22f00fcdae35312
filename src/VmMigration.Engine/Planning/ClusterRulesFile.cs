namespace VmMigration.Planning
{
    /// <summary>Reads and writes the JSON cluster file (rules, reserves, maintenance hosts).</summary>
    public static class ClusterRulesFile
    {
        private const string What = "cluster rules file";

        public static ClusterRules Parse(string json) => PlanningJson.Parse<ClusterRules>(json, PlanningErrorIds.InvalidRules, What, rules => rules.Validate());

        public static string Serialize(ClusterRules rules)
        {
            rules.Validate();
            return PlanningJson.Serialize(rules);
        }

        public static ClusterRules Read(string path) => PlanningJson.Read<ClusterRules>(path, PlanningErrorIds.InvalidRules, What, rules => rules.Validate());

        public static void Write(string path, ClusterRules rules) => PlanningJson.WriteFile(path, Serialize(rules));
    }
}
