namespace VmMigration.Planning
{
    /// <summary>Reads and writes the JSON cluster file (rules, reserves, maintenance hosts).</summary>
    public static class ClusterRulesFile
    {
        public static ClusterRules Parse(string json)
        {
            var rules = PlanningJson.Deserialize<ClusterRules>(json, PlanningErrorIds.InvalidRules, "cluster rules file");
            rules.Validate();
            return rules;
        }

        public static string Serialize(ClusterRules rules)
        {
            rules.Validate();
            return PlanningJson.Serialize(rules);
        }

        public static ClusterRules Read(string path) => Parse(PlanningJson.ReadFile(path, PlanningErrorIds.InvalidRules, "cluster rules file"));

        public static void Write(string path, ClusterRules rules) => PlanningJson.WriteFile(path, Serialize(rules));
    }
}
