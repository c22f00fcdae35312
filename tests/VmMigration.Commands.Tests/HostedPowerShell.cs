using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using PowerShell = System.Management.Automation.PowerShell;

namespace VmMigration.Commands.Tests
{
    /// <summary>
    /// An in-process PowerShell with the given cmdlets, so a test sees what a user's script sees: the output, the error
    /// stream and what -ErrorAction Stop throws, with PowerShell's own full error ids.
    /// </summary>
    internal sealed class HostedPowerShell : IDisposable
    {
        private readonly Runspace runspace;

        public HostedPowerShell(params (string Name, Type Cmdlet)[] cmdlets)
        {
            var state = InitialSessionState.CreateDefault2();
            foreach (var (name, type) in cmdlets)
            {
                state.Commands.Add(new SessionStateCmdletEntry(name, type, helpFileName: null));
            }
            runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
        }

        /// <summary>
        /// Runs a script and returns its output and error stream; an error that stops the script (as -ErrorAction Stop
        /// makes any error do) throws, as it would stop a user's runbook.
        /// </summary>
        public (Collection<PSObject> Output, List<ErrorRecord> Errors) Run(string script)
        {
            using var shell = PowerShell.Create();
            shell.Runspace = runspace;
            var output = shell.AddScript(script).Invoke();
            return (output, shell.Streams.Error.ToList());
        }

        public void Dispose() => runspace.Dispose();
    }
}
