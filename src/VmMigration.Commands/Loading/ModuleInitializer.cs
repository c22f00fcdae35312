using System;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace VmMigration.Commands.Loading
{
    /// <summary>
    /// Runs when Import-Module loads the module, before any cmdlet: refuses a PowerShell that cannot run it
    /// (<see cref="PowerShellHostCheck"/>) and, on Windows PowerShell, lets the module folder answer for its dependencies
    /// (<see cref="ModuleAssemblyResolver"/>). It touches no engine type, so nothing that needs the resolver loads before it.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        public void OnImport()
        {
            var desktop = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);
            // System.Management.Automation's own version: 7.x.y on PowerShell 7 (3.0.0.0 on Windows PowerShell, not read there).
            var refusal = PowerShellHostCheck.Refusal(desktop, typeof(PSObject).Assembly.GetName().Version ?? new Version(0, 0));
            if (refusal != null)
            {
                throw new PlatformNotSupportedException(refusal);
            }
            if (desktop)
            {
                ModuleAssemblyResolver.Register(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? ".");
            }
        }
    }
}
