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
    /// stream, the progress and warnings, and what -ErrorAction Stop throws, with PowerShell's own full error ids.
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

        /// <summary>A PowerShell with every cmdlet of the module, under the names its [Cmdlet] attributes give them.</summary>
        public static HostedPowerShell WithModule() => new HostedPowerShell(typeof(VmMigrationCmdlet).Assembly.GetTypes()
            .Select(type => (Type: type, Attribute: (CmdletAttribute?)Attribute.GetCustomAttribute(type, typeof(CmdletAttribute))))
            .Where(c => c.Attribute != null)
            .Select(c => ($"{c.Attribute!.VerbName}-{c.Attribute.NounName}", c.Type))
            .ToArray());

        /// <summary>
        /// Runs a script and returns what it wrote; an error that stops the script (as -ErrorAction Stop makes any error
        /// do) throws, as it would stop a user's runbook.
        /// </summary>
        public ScriptRun Run(string script)
        {
            using var shell = PowerShell.Create();
            shell.Runspace = runspace;
            var output = shell.AddScript(script).Invoke();
            return new ScriptRun(output, shell.Streams.Error.ToList(), shell.Streams.Progress.ToList(), shell.Streams.Warning.Select(w => w.Message).ToList());
        }

        /// <summary>
        /// The error that stopped a command of <paramref name="script"/>, as a user's try/catch would catch it: a
        /// terminating error, or any error under -ErrorAction Stop. Fails the test when only non-terminating errors (or
        /// none) were written.
        /// </summary>
        public ErrorRecord ErrorThatStops(string script)
        {
            var stopped = Xunit.Assert.ThrowsAny<RuntimeException>(() => Run($"try {{ {script} }} catch {{ throw }}"));
            return stopped.ErrorRecord;
        }

        public void Dispose() => runspace.Dispose();
    }

    /// <summary>What one script wrote to each stream.</summary>
    internal sealed class ScriptRun
    {
        public ScriptRun(Collection<PSObject> output, List<ErrorRecord> errors, List<ProgressRecord> progress, List<string> warnings)
        {
            Output = output;
            Errors = errors;
            Progress = progress;
            Warnings = warnings;
        }

        public Collection<PSObject> Output { get; }
        public List<ErrorRecord> Errors { get; }
        public List<ProgressRecord> Progress { get; }
        public List<string> Warnings { get; }

        /// <summary>The output objects as the type a cmdlet wrote (a MigrationResult, a MigrationVM ...).</summary>
        public List<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>().ToList();

        public List<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId).ToList();

        public void Deconstruct(out Collection<PSObject> output, out List<ErrorRecord> errors)
        {
            output = Output;
            errors = Errors;
        }
    }
}
