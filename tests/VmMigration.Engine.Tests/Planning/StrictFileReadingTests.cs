using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;
using VmMigration.Errors;

namespace VmMigration.Tests.Planning
{
    /// <summary>
    /// Rules, inventory and plan files are read strictly: each way a person gets a file wrong is refused with the file's
    /// error id, the JSON path of the field and what was expected there, instead of a silently half-read file.
    /// </summary>
    public class StrictFileReadingTests
    {
        private sealed class FileKind
        {
            public FileKind(string name, string errorId, Func<string> validJson, Func<string, object> parse, Func<object, string> serialize)
            {
                Name = name;
                ErrorId = errorId;
                ValidJson = validJson;
                Parse = parse;
                Serialize = serialize;
            }

            public string Name { get; }
            public string ErrorId { get; }
            public Func<string> ValidJson { get; }
            public Func<string, object> Parse { get; }
            public Func<object, string> Serialize { get; }
        }

        private static ClusterInventory SomeInventory() =>
            new ClusterBuilder().Host("h1").Host("h2", state: HostState.Maintenance).Host("h3").VM("a", "h1", dirtyRateMBps: 2).VM("b", "h1").Build();

        private static readonly Dictionary<string, FileKind> Kinds = new Dictionary<string, FileKind>
        {
            ["rules"] = new FileKind("rules", ErrorIds.InvalidRules,
                () =>
                {
                    var rules = Rules(Rule("ab", PlacementRuleKind.Affinity, new[] { "a", "b" }), Rule("a-on-h1", PlacementRuleKind.MustRunOn, new[] { "a" }, new[] { "h1" }));
                    rules.DefaultReservePercent = 10;
                    rules.HostReserves.Add(new HostReserve { HostName = "h1", ReservePercent = 20 });
                    return ClusterRulesFile.Serialize(rules);
                },
                json => ClusterRulesFile.Parse(json), value => ClusterRulesFile.Serialize((ClusterRules)value)),
            ["inventory"] = new FileKind("inventory", ErrorIds.InvalidInventory,
                () => InventoryJson.Serialize(SomeInventory()),
                json => InventoryJson.Parse(json), value => InventoryJson.Serialize((ClusterInventory)value)),
            ["plan"] = new FileKind("plan", ErrorIds.InvalidPlan,
                () => PlanJson.Serialize(MigrationPlanner.Plan(SomeInventory(), null, new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = { "h1" } })),
                json => PlanJson.Parse(json), value => PlanJson.Serialize((MigrationPlan)value)),
        };

        public sealed class Mistake
        {
            public Mistake(string kind, string what, Action<JsonObject> make, string field, string says)
            {
                Kind = kind;
                What = what;
                Make = make;
                Field = field;
                Says = says;
            }

            public string Kind { get; }
            public string What { get; }
            public Action<JsonObject> Make { get; }
            /// <summary>The JSON path the error must name as its target and in its message.</summary>
            public string Field { get; }
            /// <summary>What the message must say was expected.</summary>
            public string Says { get; }

            public override string ToString() => $"{Kind}: {What}";
        }

        private static void Rename(JsonObject owner, string from, string to)
        {
            var value = owner[from];
            owner.Remove(from);
            owner[to] = value?.DeepClone();
        }

        private static JsonObject At(JsonObject root, string list, int index) => root[list]![index]!.AsObject();

        public static IEnumerable<object[]> Mistakes() => new[]
        {
            new Mistake("rules", "misspelled key", r => Rename(At(r, "Rules", 0), "VMs", "VMz"), "$.Rules[0].VMz", "expected one of 'Name', 'Kind', 'VMs', 'Hosts'"),
            new Mistake("rules", "lowercase key", r => Rename(r, "Rules", "rules"), "$.rules", "Did you mean 'Rules'?"),
            new Mistake("rules", "lowercase key in a rule", r => Rename(At(r, "Rules", 0), "VMs", "vms"), "$.Rules[0].vms", "Did you mean 'VMs'?"),
            new Mistake("rules", "wrong type", r => r["DefaultReservePercent"] = "10", "$.DefaultReservePercent", "expected a number, found the string \"10\""),
            new Mistake("rules", "missing required field", r => At(r, "Rules", 1).Remove("Kind"), "$.Rules[1].Kind", "the required field 'Kind' is missing"),
            new Mistake("rules", "unknown enum value", r => At(r, "Rules", 0)["Kind"] = "Afinity", "$.Rules[0].Kind", "expected one of 'Affinity', 'AntiAffinity', 'MustRunOn', 'ShouldRunOn', 'MustNotRunOn'"),
            new Mistake("rules", "enum value in another case", r => At(r, "Rules", 0)["Kind"] = "affinity", "$.Rules[0].Kind", "found the string \"affinity\""),
            new Mistake("rules", "enum value as a number", r => At(r, "Rules", 0)["Kind"] = 1, "$.Rules[0].Kind", "found the number 1"),

            new Mistake("inventory", "misspelled key", r => Rename(At(r, "Hosts", 1), "State", "Sate"), "$.Hosts[1].Sate", "expected one of 'Name', 'CpuCount', 'MemoryMB', 'State'"),
            new Mistake("inventory", "lowercase key", r => Rename(r, "VMs", "vms"), "$.vms", "Did you mean 'VMs'?"),
            new Mistake("inventory", "wrong type", r => At(r, "Hosts", 0)["CpuCount"] = "sixteen", "$.Hosts[0].CpuCount", "expected a whole number, found the string \"sixteen\""),
            new Mistake("inventory", "missing required field", r => At(r, "Hosts", 1).Remove("State"), "$.Hosts[1].State", "the required field 'State' is missing"),
            new Mistake("inventory", "unknown enum value", r => At(r, "Hosts", 1)["State"] = "Maintainance", "$.Hosts[1].State", "expected one of 'Connected', 'Maintenance', 'Unreachable'"),

            new Mistake("plan", "misspelled key", r => Rename(At(r, "Steps", 0), "Destination", "Destinaton"), "$.Steps[0].Destinaton", "'Destination'"),
            new Mistake("plan", "lowercase key", r => Rename(r, "Steps", "steps"), "$.steps", "Did you mean 'Steps'?"),
            new Mistake("plan", "wrong type", r => r["WaveCount"] = "one", "$.WaveCount", "expected a whole number, found the string \"one\""),
            new Mistake("plan", "missing required field", r => At(r, "Steps", 0).Remove("Reason"), "$.Steps[0].Reason", "the required field 'Reason' is missing"),
            new Mistake("plan", "unknown enum value", r => r["Goal"] = "Evacuation", "$.Goal", "expected one of 'Balance', 'Evacuate', 'Consolidate'"),
        }.Select(m => new object[] { m });

        [Theory]
        [MemberData(nameof(Mistakes))]
        public void A_mistake_is_an_error_naming_the_field_and_what_was_expected(Mistake mistake)
        {
            var kind = Kinds[mistake.Kind];
            var root = JsonNode.Parse(kind.ValidJson())!.AsObject();
            mistake.Make(root);
            var error = PlanAssert.Throws(kind.ErrorId, () => kind.Parse(root.ToJsonString()));
            Assert.Equal(mistake.Field, error.Target);
            Assert.Contains(mistake.Field, error.Message);
            Assert.Contains(mistake.Says, error.Message);
        }

        [Theory]
        [InlineData("rules")]
        [InlineData("inventory")]
        [InlineData("plan")]
        public void A_correct_file_round_trips(string kindName)
        {
            var kind = Kinds[kindName];
            var json = kind.ValidJson();
            Assert.Equal(json, kind.Serialize(kind.Parse(json)));
        }

        [Fact]
        public void The_inventory_of_the_issue_with_Sate_is_refused_rather_than_planned_onto_the_maintenance_host()
        {
            var json = InventoryJson.Serialize(SomeInventory()).Replace("\"State\": \"Maintenance\"", "\"Sate\": \"Maintenance\"");
            var error = PlanAssert.Throws(ErrorIds.InvalidInventory, () => InventoryJson.Parse(json));
            Assert.Contains("'Sate' is not a known field", error.Message);
        }

        [Fact]
        public void Errors_of_a_file_name_the_file_whether_its_JSON_or_its_content_is_wrong()
        {
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, InventoryJson.Serialize(SomeInventory()).Replace("\"VMs\"", "\"vms\""));
                Assert.Contains(path, PlanAssert.Throws(ErrorIds.InvalidInventory, () => InventoryJson.Read(path)).Message);

                File.WriteAllText(path, "{ \"Rules\": [ { \"Name\": \"\", \"Kind\": \"Affinity\", \"VMs\": [\"a\", \"b\"] } ] }");
                var invalid = PlanAssert.Throws(ErrorIds.InvalidRules, () => ClusterRulesFile.Read(path));
                Assert.Contains(path, invalid.Message);
                Assert.Equal("Rules[0].Name", invalid.Target);
            }
            finally { File.Delete(path); }
        }
    }
}
