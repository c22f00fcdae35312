using System;
using System.IO;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;
using VmMigration.Errors;

namespace VmMigration.Tests.Planning
{
    /// <summary>A planner file that is not where it was said to be is an error naming the place, never an empty result or a new folder.</summary>
    public sealed class PlanningFileLocationTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmmigration-files-" + Guid.NewGuid().ToString("N"));

        public PlanningFileLocationTests() => Directory.CreateDirectory(directory);

        public void Dispose() => Directory.Delete(directory, recursive: true);

        [Fact]
        public void A_missing_rules_file_is_RuleFileNotFound_naming_the_path()
        {
            var path = Path.Combine(directory, "rules.json");
            var error = PlanAssert.Throws(ErrorIds.RuleFileNotFound, () => ClusterRulesFile.Read(path));
            Assert.Contains(path, error.Message);
            Assert.Equal(path, error.Target);
        }

        [Fact]
        public void ReadOrEmpty_takes_a_missing_rules_file_as_no_rules_yet()
        {
            Assert.Empty(ClusterRulesFile.ReadOrEmpty(Path.Combine(directory, "rules.json")).Rules);
        }

        [Fact]
        public void Writing_into_a_missing_folder_is_DirectoryNotFound_and_creates_nothing()
        {
            var folder = Path.Combine(directory, "missing", "deeper");
            var rules = Rules(Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "a", "b" }));

            var error = PlanAssert.Throws(ErrorIds.DirectoryNotFound, () => ClusterRulesFile.Write(Path.Combine(folder, "rules.json"), rules));

            Assert.Contains(folder, error.Message);
            Assert.False(Directory.Exists(Path.Combine(directory, "missing")));
        }
    }
}
