using System.IO;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;

namespace VmMigration.Tests.Planning
{
    public class RulesTests
    {
        [Fact]
        public void Together_and_apart_at_once_is_a_RuleConflict_naming_both_rules()
        {
            var rules = Rules(
                Rule("keep-together", PlacementRuleKind.Affinity, new[] { "a", "b" }),
                Rule("keep-apart", PlacementRuleKind.AntiAffinity, new[] { "a", "b" }));
            var error = PlanAssert.Throws(ErrorIds.RuleConflict, () => rules.Validate());
            Assert.Contains("keep-together", error.Message);
            Assert.Contains("keep-apart", error.Message);
        }

        [Fact]
        public void Affinity_is_transitive_when_looking_for_conflicts()
        {
            var rules = Rules(
                Rule("ab", PlacementRuleKind.Affinity, new[] { "a", "b" }),
                Rule("bc", PlacementRuleKind.Affinity, new[] { "b", "c" }),
                Rule("a-not-c", PlacementRuleKind.AntiAffinity, new[] { "a", "c" }));
            var error = PlanAssert.Throws(ErrorIds.RuleConflict, () => rules.Validate());
            Assert.Contains("a-not-c", error.Message);
        }

        [Fact]
        public void A_group_confined_to_disjoint_hosts_is_a_RuleConflict()
        {
            var rules = Rules(
                Rule("ab", PlacementRuleKind.Affinity, new[] { "a", "b" }),
                Rule("a-on-h1", PlacementRuleKind.MustRunOn, new[] { "a" }, new[] { "h1" }),
                Rule("b-not-h1", PlacementRuleKind.MustNotRunOn, new[] { "b" }, new[] { "h1" }));
            var error = PlanAssert.Throws(ErrorIds.RuleConflict, () => rules.Validate());
            Assert.Contains("a-on-h1", error.Message);
            Assert.Contains("b-not-h1", error.Message);
        }

        [Fact]
        public void The_planner_refuses_contradictory_rules_before_planning()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").VM("a", "h1").Build();
            var rules = Rules(Rule("nowhere", PlacementRuleKind.MustNotRunOn, new[] { "a" }, new[] { "h1", "h2" }));
            PlanAssert.Throws(ErrorIds.RuleConflict, () => MigrationPlanner.Plan(inventory, rules, new PlanningOptions()));
        }

        [Fact]
        public void Add_checks_names_and_conflicts_and_Remove_takes_a_rule_out()
        {
            var rules = Rules(Rule("ab", PlacementRuleKind.Affinity, new[] { "a", "b" }));
            PlanAssert.Throws(ErrorIds.InvalidArgument, () => rules.Add(Rule("ab", PlacementRuleKind.AntiAffinity, new[] { "x", "y" })));
            PlanAssert.Throws(ErrorIds.RuleConflict, () => rules.Add(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "b" })));
            Assert.Single(rules.Rules);
            Assert.True(rules.Remove("ab"));
            Assert.False(rules.Remove("ab"));
            rules.Add(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "b" }));
        }

        [Fact]
        public void Cluster_file_round_trips_byte_for_byte()
        {
            var rules = Rules(
                Rule("db", PlacementRuleKind.Affinity, new[] { "db1", "db2" }),
                Rule("lic", PlacementRuleKind.MustRunOn, new[] { "sql" }, new[] { "h1", "h2" }));
            rules.DefaultReservePercent = 10;
            rules.HostReserves.Add(new HostReserve { HostName = "h1", ReservePercent = 25.5 });
            rules.MaintenanceHosts.Add("h9");
            var path = Path.GetTempFileName();
            try
            {
                ClusterRulesFile.Write(path, rules);
                var read = ClusterRulesFile.Read(path);
                Assert.Equal(File.ReadAllText(path), ClusterRulesFile.Serialize(read));
                Assert.Equal(PlacementRuleKind.MustRunOn, read.Rules[1].Kind);
                Assert.Contains("\"Kind\": \"Affinity\"", File.ReadAllText(path));
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void Malformed_cluster_file_names_the_line_and_field()
        {
            var json = "{\n  \"DefaultReservePercent\": 10,\n  \"Rules\": [\n    { \"Name\": \"x\", \"Kind\": \"Sideways\", \"VMs\": [\"a\", \"b\"] }\n  ]\n}";
            var error = PlanAssert.Throws(ErrorIds.InvalidRules, () => ClusterRulesFile.Parse(json));
            Assert.Contains("line 4", error.Message);
            Assert.Contains("Kind", error.Message);
        }

        [Fact]
        public void A_rule_without_VMs_names_the_field()
        {
            var error = PlanAssert.Throws(ErrorIds.InvalidRules, () => ClusterRulesFile.Parse("{ \"Rules\": [ { \"Name\": \"x\", \"Kind\": \"AntiAffinity\" } ] }"));
            Assert.Contains("Rules[0].VMs", error.Message);
        }
    }
}
