using System;
using System.IO;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Remove-MigrationRule: a name the file does not have is reported, and the names it has are still removed.</summary>
    public sealed class RemoveMigrationRuleTests : IDisposable
    {
        private readonly string folder = Directory.CreateTempSubdirectory("vmm-rules-").FullName;
        private readonly HostedPowerShell shell = HostedPowerShell.WithModule();

        public void Dispose()
        {
            shell.Dispose();
            Directory.Delete(folder, true);
        }

        [Fact]
        public void A_rule_name_not_in_the_file_is_a_non_terminating_RuleNotFound_and_the_others_are_removed()
        {
            var path = Path.Combine(folder, "rules.json");
            Assert.Empty(shell.Run($"New-MigrationRule -Path '{path}' -Name keep-apart -Kind AntiAffinity -VM web1, web2").Errors);

            var run = shell.Run($"Remove-MigrationRule -Path '{path}' -Name no-such-rule, keep-apart");

            var error = Assert.Single(run.Errors);
            Assert.Equal("RuleNotFound,VmMigration.Commands.RemoveMigrationRuleCommand", error.FullyQualifiedErrorId);
            Assert.Equal("no-such-rule", error.TargetObject);
            Assert.Empty(ClusterRulesFile.Read(path).Rules);
        }
    }
}
