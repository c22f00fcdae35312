using System;
using System.Collections.Generic;
using System.Threading;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>The user's steps of a host's turn.</summary>
    public enum MaintenanceScript
    {
        /// <summary>Before the host enters maintenance; its VMs still run on it.</summary>
        PreScript,
        /// <summary>The maintenance itself (patch, firmware, reboot), on a host with no running VM.</summary>
        Script,
        /// <summary>After the host is back and passed the default checks; its output $false (or a throw) fails the host.</summary>
        HealthCheck,
        /// <summary>After the host left maintenance and its VMs came back.</summary>
        PostScript,
    }

    /// <summary>
    /// Runs the user's steps, which the engine cannot (they are PowerShell script blocks, and the engine has no PowerShell
    /// types): the cmdlet layer implements it. The engine says which step, for which host, and reads the outcome.
    /// </summary>
    public interface IMaintenanceScripts
    {
        bool Has(MaintenanceScript script);

        /// <summary>
        /// Runs the step for the host and returns when it ends. Called on the engine's worker thread. The step's own failure
        /// (a throw, a terminating error, a non-zero exit) is in the outcome, never thrown.
        /// </summary>
        MaintenanceScriptOutcome Run(MaintenanceScript script, MigrationHost host, CancellationToken cancellationToken);
    }

    /// <summary>What one step wrote, and why it failed when it did.</summary>
    public sealed class MaintenanceScriptOutcome
    {
        public MaintenanceScriptOutcome(IReadOnlyList<object> output, IReadOnlyList<string> errors, string? failure)
        {
            Output = output;
            Errors = errors;
            Failure = failure;
        }

        /// <summary>The objects it wrote to the output, in order.</summary>
        public IReadOnlyList<object> Output { get; }
        /// <summary>The errors it wrote (non-terminating ones included) and the one that stopped it.</summary>
        public IReadOnlyList<string> Errors { get; }
        /// <summary>Why the step failed; null when it succeeded.</summary>
        public string? Failure { get; }

        public static MaintenanceScriptOutcome Succeeded(params object[] output) => new MaintenanceScriptOutcome(output, Array.Empty<string>(), null);
    }
}
