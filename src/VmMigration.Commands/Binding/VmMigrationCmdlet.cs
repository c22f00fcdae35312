using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// What every VmMigration cmdlet shares: the session's hosts, one cancellation source per invocation (cancelled by
    /// Ctrl+C or a stopping pipeline), and the mapping of engine errors to PowerShell error records with stable ids.
    /// </summary>
    public abstract class VmMigrationCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();

        protected CancellationToken CancellationToken => cancellation.Token;

        protected static HostRegistry Registry => HostRegistry.Default;

        protected static Inventory Inventory => new Inventory(HostRegistry.Default);

        protected override void StopProcessing() => cancellation.Cancel();

        public void Dispose()
        {
            cancellation.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>A failure that concerns one item of a batch: reported, and the batch goes on.</summary>
        protected void WriteMigrationError(MigrationException error, object? target = null) => WriteError(MigrationErrorRecord.ForCmdlet(error, target));

        /// <summary>A bad invocation: nothing more can run.</summary>
        protected void ThrowMigrationError(MigrationException error, object? target = null) => ThrowTerminatingError(MigrationErrorRecord.ForCmdlet(error, target));

        /// <summary>
        /// ShouldProcess for high-impact cmdlets with -Force: -Force skips the confirmation prompt (for pipelines and
        /// scheduled tasks) but never -WhatIf, and an explicit -Confirm still asks.
        /// </summary>
        protected bool ShouldProcessUnlessForced(bool force, string target, string action)
        {
            var whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf")
                || LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            var confirmAsked = MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && LanguagePrimitives.IsTrue(confirm);
            if (force && !whatIf && !confirmAsked)
            {
                return true;
            }
            return ShouldProcess(target, action);
        }

        /// <summary>
        /// The file a -Path (wildcards allowed, matching one file) or -LiteralPath (taken as written) names, whichever set
        /// was used; a path that is not a file system path is a bad invocation (terminating).
        /// </summary>
        protected string ResolvePathOrLiteralPath(string path, string literalPath) =>
            ParameterSetName == FileSystemPath.LiteralPathSet ? ResolveFilePath(literalPath, expandWildcards: false) : ResolveFilePath(path, expandWildcards: true);

        /// <summary>A single-purpose file parameter (-InventoryPath, -RulePath, -JournalPath, a lab's -Path), taken as written.</summary>
        protected string ResolveLiteralPath(string path) => ResolveFilePath(path, expandWildcards: false);

        private string ResolveFilePath(string path, bool expandWildcards)
        {
            try
            {
                return FileSystemPath.Resolve(SessionState.Path, path, expandWildcards);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
                throw;
            }
        }

        /// <summary>
        /// A -MigrationNetwork value, trimmed; null when not given. Not a CIDR: a terminating InvalidArgument before anything
        /// is asked of a host.
        /// </summary>
        protected string? CheckMigrationNetwork(string? network)
        {
            if (network == null) return null;
            if (MigrationNetwork.TryParse(network) == null)
            {
                ThrowMigrationError(new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"-MigrationNetwork '{network}' is not a network in CIDR form, such as 10.20.0.0/24 or fd00:20::/64.", network));
            }
            return network.Trim();
        }

        /// <summary>A -RulePath cluster rules file; one that is missing or unreadable is a bad invocation (terminating).</summary>
        protected Planning.ClusterRules ReadRulesFile(string path)
        {
            try
            {
                return Planning.ClusterRulesFile.Read(ResolveLiteralPath(path));
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
                throw;
            }
        }

        /// <summary>
        /// True, after a warning, when the session has no host: a command that reads the connected hosts would otherwise
        /// answer with an empty result that looks like an empty cluster.
        /// </summary>
        protected bool WarnIfNoHostConnected(string consequence, string remedy)
        {
            if (Registry.Hosts.Count > 0)
            {
                return false;
            }
            WriteWarning($"No host is connected, so {consequence}. {remedy}");
            return true;
        }

        /// <summary>
        /// The connected hosts that names or wildcard patterns select (all when <paramref name="patterns"/> is null); a plain
        /// name that matches none is reported (HostNotFound) and the others go on.
        /// </summary>
        protected IReadOnlyList<ConnectedHost> SelectHostsOrReport(string[]? patterns)
        {
            var selected = HostNameFilter.Select(Registry.Hosts, patterns, out var unmatched);
            foreach (var name in unmatched)
            {
                WriteMigrationError(new MigrationException(ErrorIds.HostNotFound, ErrorKind.ObjectNotFound,
                    $"No connected host is named '{name}'. Connect it with Connect-MigrationHost.", name));
            }
            return selected;
        }

        /// <summary>The host a -Destination names; an unknown one is a bad invocation (terminating).</summary>
        protected ConnectedHost ResolveDestination(HostReference destination)
        {
            try
            {
                return Registry.Resolve(destination.Name);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, destination.Name);
                throw;
            }
        }

        /// <summary>Finds the VM a -VM value names; when it cannot be found, reports that for this item and returns null.</summary>
        protected LocatedVM? LocateOrReport(VmReference reference)
        {
            try
            {
                return Inventory.Locate(reference.NameOrUuid, reference.VM?.HostName, CancellationToken);
            }
            catch (MigrationException error)
            {
                WriteMigrationError(error, reference.DisplayName);
                return null;
            }
        }
    }
}
