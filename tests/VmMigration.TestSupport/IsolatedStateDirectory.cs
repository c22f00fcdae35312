using System;
using System.IO;
using VmMigration.State;

namespace VmMigration.Tests
{
    /// <summary>
    /// Points the engine's state directory at a temporary one for the whole test run, so that what the engine learns
    /// from fake moves (switchover overheads, marks) never lands in the machine's real /var/lib/vmmigration.
    /// Each test project calls it from a module initializer, before any test runs.
    /// </summary>
    public static class IsolatedStateDirectory
    {
        public static void Isolate()
        {
            var path = Path.Combine(Path.GetTempPath(), "vmm-tests-state-" + Guid.NewGuid().ToString("N"));
            Environment.SetEnvironmentVariable(StateDirectory.EnvironmentVariable, path);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(path, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            };
        }
    }
}
