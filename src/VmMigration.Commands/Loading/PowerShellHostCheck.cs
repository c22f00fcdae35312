using System;

namespace VmMigration.Commands.Loading
{
    /// <summary>
    /// Which PowerShell can run the module. Windows PowerShell 5.1 (Desktop, .NET Framework) loads the module folder's
    /// System.Text.Json 8 through <see cref="ModuleAssemblyResolver"/>. PowerShell 7.4 and later (.NET 8+) bring a
    /// System.Text.Json at least as new. PowerShell 7.0-7.3 (.NET Core 3.1-7) load their own older System.Text.Json first and
    /// cannot load ours beside it, so the engine's JSON calls would fail later and obscurely: they are refused at import.
    /// </summary>
    internal static class PowerShellHostCheck
    {
        public static readonly Version OldestCore = new Version(7, 4);

        /// <summary>Why the module cannot run on this PowerShell, or null when it can.</summary>
        public static string? Refusal(bool desktop, Version powerShellVersion)
        {
            if (desktop) return null; // the manifest's PowerShellVersion (5.1) already refuses older Windows PowerShell
            if (new Version(powerShellVersion.Major, Math.Max(0, powerShellVersion.Minor)) >= OldestCore) return null;
            return $"VmMigration needs PowerShell {OldestCore} or later (or Windows PowerShell 5.1); this is PowerShell {powerShellVersion.Major}.{powerShellVersion.Minor}, " +
                "whose own older System.Text.Json would be used instead of the version the module is built against. Install PowerShell 7.4 or later.";
        }
    }
}
