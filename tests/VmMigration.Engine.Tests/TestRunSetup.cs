using System.Runtime.CompilerServices;

namespace VmMigration.Tests
{
    internal static class TestRunSetup
    {
        [ModuleInitializer]
        internal static void IsolateEngineState() => VmMigration.Tests.IsolatedStateDirectory.Isolate();
    }
}
