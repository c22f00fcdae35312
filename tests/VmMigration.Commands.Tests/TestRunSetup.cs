using System.Runtime.CompilerServices;

namespace VmMigration.Commands.Tests
{
    internal static class TestRunSetup
    {
        [ModuleInitializer]
        internal static void IsolateEngineState() => VmMigration.Tests.IsolatedStateDirectory.Isolate();
    }
}
