using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VmMigration.Commands
{
    /// <summary>
    /// What every VmMigration completer shares: the names offered are those that start with what was typed, in order, quoted when
    /// PowerShell needs quotes, and a completer never throws (an exception would be printed in the middle of the user's
    /// typing, and a slow or broken host must not break the command line).
    /// </summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            List<string> names;
            try
            {
                names = Names(new BoundArguments(fakeBoundParameters)).ToList();
            }
            catch (Exception)
            {
                // Any failure (unreadable file, host gone, malformed JSON) means nothing to offer, never an error.
                return Array.Empty<CompletionResult>();
            }
            return names.Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }

        /// <summary>Every name that fits the parameter, given the other arguments already on the command line.</summary>
        protected abstract IEnumerable<string> Names(BoundArguments bound);

        private static string Quote(string name) =>
            name.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.') ? name : "'" + name.Replace("'", "''") + "'";

        /// <summary>The arguments PowerShell could bind so far (literal values of the command being typed).</summary>
        protected sealed class BoundArguments
        {
            private readonly IDictionary values;

            public BoundArguments(IDictionary? values)
            {
                this.values = values ?? new Hashtable();
            }

            /// <summary>The name a parameter was given: a string, or the Name of a MigrationVM/MigrationHost; the first of several.</summary>
            public string? Name(string parameterName) => values.Contains(parameterName) ? NameOf(values[parameterName]) : null;

            /// <summary>
            /// The file a file parameter names, resolved as the cmdlet will resolve it (against the current PowerShell
            /// location); -Path's wildcards are expanded, -LiteralPath and the other file parameters are taken as written.
            /// </summary>
            public string? FilePath(string parameterName)
            {
                var path = Name(parameterName);
                if (string.IsNullOrEmpty(path)) return null;
                return FileSystemPath.Resolve(CurrentPaths(), path!, expandWildcards: parameterName == FileSystemPath.PathSet);
            }

            // A completer is handed no SessionState, and Runspace.SessionStateProxy refuses while the completion itself runs;
            // a script block invoked here runs in the caller's session, whose location is the one the cmdlet will use.
            private static PathIntrinsics CurrentPaths() =>
                LanguagePrimitives.ConvertTo<PathIntrinsics>(ScriptBlock.Create("$ExecutionContext.SessionState.Path").InvokeReturnAsIs());

            private static string? NameOf(object? value)
            {
                switch (value is PSObject wrapped ? wrapped.BaseObject : value)
                {
                    case string text: return text;
                    case MigrationVM vm: return vm.Name;
                    case MigrationHost host: return host.Name;
                    case IEnumerable many: return many.Cast<object?>().Select(NameOf).FirstOrDefault(n => n != null);
                    default: return null;
                }
            }
        }
    }
}
