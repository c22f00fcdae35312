using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>Tab completion of connected host names.</summary>
    public sealed class HostNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            return HostRegistry.Default.Hosts.Select(h => h.Name)
                .Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }

    /// <summary>Tab completion of VM names on the connected hosts (a slow host is skipped after the call timeout).</summary>
    public sealed class VMNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var vms = new Inventory(HostRegistry.Default).ListVMs(HostRegistry.Default.Hosts, CancellationToken.None, out _);
            return vms.Select(vm => vm.Name).Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
        }
    }
}
