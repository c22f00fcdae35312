using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using VmMigration.Commands.Loading;
using VmMigration.Errors;
using Xunit;

namespace VmMigration.Commands.Tests.Loading
{
    /// <summary>
    /// What decides whether the module loads: the PowerShell it is imported into, and (on Windows PowerShell) which file
    /// answers for a dependency bound at another version.
    /// </summary>
    public sealed class ModuleLoadingTests : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "vmmigration-resolver-" + Guid.NewGuid().ToString("N"));
        private readonly string engineCopy;

        public ModuleLoadingTests()
        {
            Directory.CreateDirectory(folder);
            engineCopy = Path.Combine(folder, "VmMigration.Engine.dll");
            File.Copy(typeof(ErrorIds).Assembly.Location, engineCopy);
        }

        public void Dispose() => Directory.Delete(folder, recursive: true);

        private static Version EngineVersion => typeof(ErrorIds).Assembly.GetName().Version!;

        [Fact]
        public void A_dependency_asked_for_at_an_older_version_is_answered_by_the_module_folders_copy()
        {
            // What a binding redirect to the shipped version would do: System.Memory asking for Unsafe 4.0.4.1 gets 6.0.0.0.
            var requested = new AssemblyName($"VmMigration.Engine, Version=0.0.1.0, Culture=neutral, PublicKeyToken=null");

            Assert.Equal(engineCopy, ModuleAssemblyResolver.FileFor(folder, requested));
            Assert.Equal(engineCopy, ModuleAssemblyResolver.FileFor(folder, new AssemblyName($"VmMigration.Engine, Version={EngineVersion}")));
        }

        [Fact]
        public void A_newer_version_another_publisher_or_another_name_is_left_to_the_runtime()
        {
            var newer = new Version(EngineVersion.Major + 1, 0, 0, 0);

            Assert.Null(ModuleAssemblyResolver.FileFor(folder, new AssemblyName($"VmMigration.Engine, Version={newer}")));
            Assert.Null(ModuleAssemblyResolver.FileFor(folder, new AssemblyName("VmMigration.Engine, Version=0.0.1.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")));
            Assert.Null(ModuleAssemblyResolver.FileFor(folder, new AssemblyName("System.Text.Json, Version=8.0.0.0")));
        }

        [Theory]
        [InlineData(false, "7.0", true)]
        [InlineData(false, "7.2.24", true)]
        [InlineData(false, "7.3.12", true)]
        [InlineData(false, "7.4.0", false)]
        [InlineData(false, "7.6.9", false)]
        [InlineData(true, "3.0.0.0", false)] // Windows PowerShell 5.1's System.Management.Automation says 3.0.0.0
        public void PowerShell_7_0_to_7_3_is_refused_at_import_saying_which_to_use(bool desktop, string version, bool refused)
        {
            var refusal = PowerShellHostCheck.Refusal(desktop, Version.Parse(version));

            Assert.Equal(refused, refusal != null);
            if (refused) Assert.Contains("PowerShell 7.4 or later", refusal);
        }

        [Fact]
        public void The_powershell_these_tests_run_in_imports_the_module()
        {
            // The initializer reads System.Management.Automation's version; on the SDK the tests host (7.6) it must not refuse.
            new ModuleInitializer().OnImport();

            Assert.Null(PowerShellHostCheck.Refusal(false, typeof(PSObject).Assembly.GetName().Version!));
        }
    }
}
