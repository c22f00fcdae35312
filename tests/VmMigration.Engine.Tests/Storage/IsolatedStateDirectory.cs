using System;
using System.IO;
using System.Runtime.CompilerServices;
using VmMigration.Storage;

namespace VmMigration.Tests.Storage
{
    /// <summary>
    /// Points the engine's state directory at a temporary one for the whole test run, so that what the engine learns
    /// from fake moves (switchover overheads, marks) never lands in the machine's real /var/lib/vmmigration.
    /// </summary>
    internal static class IsolatedStateDirectory
    {
        [ModuleInitializer]
        internal static void Isolate()
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
