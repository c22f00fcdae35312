using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Execution.Maintenance;
using PowerShell = System.Management.Automation.PowerShell;

namespace VmMigration.Commands
{
    /// <summary>
    /// The user's script blocks as the engine's <see cref="IMaintenanceScripts"/>. Each runs with the host as its one
    /// argument ($MigrationHost). It fails the host when it throws, writes a terminating error, or exits with a non-zero
    /// code (exit 3); a health check also when it outputs $false. Its output objects and every error it wrote are kept.
    /// Where it runs: without -AsJob on the pipeline thread, in the caller's runspace (its variables, functions and
    /// modules), the engine's worker waiting meanwhile; in a job, which has no pipeline thread, in a runspace of the job's
    /// own with the module's cmdlets, each script block made anew there from its text.
    /// </summary>
    internal sealed class MaintenanceScripts : IMaintenanceScripts, IDisposable
    {
        // $Script is a script block, or its text in a runspace of its own. Completed is set only when the script ran to its
        // end: after an exit, LASTEXITCODE is its code.
        private const string Wrapper = "param($Script, $MigrationHost, $Completed) " +
            "if ($Script -is [string]) { $Script = [scriptblock]::Create($Script) } " +
            "& $Script $MigrationHost; $Completed.Value = $true";

        private readonly IReadOnlyDictionary<MaintenanceScript, object> scripts;
        private readonly Func<Func<PowerShell, MaintenanceScriptOutcome>, CancellationToken, MaintenanceScriptOutcome> dispatch;
        private readonly Runspace? runspace;

        private MaintenanceScripts(IReadOnlyDictionary<MaintenanceScript, object> scripts, Func<Func<PowerShell, MaintenanceScriptOutcome>, CancellationToken, MaintenanceScriptOutcome> dispatch, Runspace? runspace)
        {
            this.scripts = scripts;
            this.dispatch = dispatch;
            this.runspace = runspace;
        }

        /// <summary>Runs each step on the pipeline thread, in the caller's runspace: the worker posts it to the pump and waits.</summary>
        public static MaintenanceScripts OnPipelineThread(PipelinePump pump, IReadOnlyDictionary<MaintenanceScript, ScriptBlock> scripts) =>
            new MaintenanceScripts(scripts.ToDictionary(s => s.Key, s => (object)s.Value), (invoke, cancellationToken) =>
            {
                var done = new TaskCompletionSource<MaintenanceScriptOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                pump.Post(_ =>
                {
                    try
                    {
                        using (var shell = PowerShell.Create(RunspaceMode.CurrentRunspace))
                        {
                            done.TrySetResult(invoke(shell));
                        }
                    }
                    catch (Exception error)
                    {
                        done.TrySetResult(Failed(error.Message));
                    }
                });
                try
                {
                    done.Task.Wait(cancellationToken);
                    return done.Task.Result;
                }
                catch (OperationCanceledException)
                {
                    // The command is stopping: the pipeline writes nothing more, and the engine stops the host in its phase.
                    return Failed("the command was stopped");
                }
            }, null);

        /// <summary>Runs each step in a runspace of its own, on the caller's thread (a job's).</summary>
        public static MaintenanceScripts InRunspace(IReadOnlyDictionary<MaintenanceScript, ScriptBlock> scripts)
        {
            var state = InitialSessionState.CreateDefault2();
            foreach (var type in typeof(MaintenanceScripts).Assembly.GetTypes())
            {
                if (Attribute.GetCustomAttribute(type, typeof(CmdletAttribute)) is CmdletAttribute cmdlet)
                {
                    state.Commands.Add(new SessionStateCmdletEntry($"{cmdlet.VerbName}-{cmdlet.NounName}", type, null));
                }
            }
            var runspace = RunspaceFactory.CreateRunspace(state);
            runspace.Open();
            return new MaintenanceScripts(scripts.ToDictionary(s => s.Key, s => (object)s.Value.ToString()), (invoke, _) =>
            {
                using (var shell = PowerShell.Create())
                {
                    shell.Runspace = runspace;
                    return invoke(shell);
                }
            }, runspace);
        }

        public bool Has(MaintenanceScript script) => scripts.ContainsKey(script);

        public MaintenanceScriptOutcome Run(MaintenanceScript script, MigrationHost host, CancellationToken cancellationToken) =>
            dispatch(shell => Invoke(shell, script, scripts[script], host, cancellationToken), cancellationToken);

        private static MaintenanceScriptOutcome Invoke(PowerShell shell, MaintenanceScript kind, object script, MigrationHost host, CancellationToken cancellationToken)
        {
            var completed = new StrongBox<bool>();
            shell.AddScript(Wrapper).AddArgument(script).AddArgument(host).AddArgument(completed);
            var output = new PSDataCollection<PSObject>();
            string? failure = null;
            using (cancellationToken.Register(() => shell.BeginStop(null, null)))
            {
                try
                {
                    shell.Invoke(null, output);
                }
                catch (RuntimeException error)
                {
                    failure = error.Message;
                }
            }
            var errors = shell.Streams.Error.Select(e => e.ToString()).ToList();
            if (failure != null)
            {
                errors.Add(failure);
            }
            else if (!completed.Value && ExitCode(shell) is int code && code != 0)
            {
                failure = $"it exited with code {code}";
            }
            else if (kind == MaintenanceScript.HealthCheck && output.Any(o => o?.BaseObject is bool ok && !ok))
            {
                failure = "it returned $false";
            }
            return new MaintenanceScriptOutcome(output.Cast<object>().ToList(), errors, failure);
        }

        /// <summary>The code of the exit that ended the script ($LASTEXITCODE once exit has set it).</summary>
        private static int? ExitCode(PowerShell shell)
        {
            shell.Commands.Clear();
            var answer = shell.AddScript("$global:LASTEXITCODE").Invoke();
            return answer.Count > 0 && answer[0]?.BaseObject is int code ? code : (int?)null;
        }

        private static MaintenanceScriptOutcome Failed(string why) => new MaintenanceScriptOutcome(Array.Empty<object>(), new[] { why }, why);

        public void Dispose() => runspace?.Dispose();
    }
}
