using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Planning;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// Tab completion of host names: those of the -InventoryPath snapshot when one is on the command line (planning offline
    /// connects to nothing), the connected hosts otherwise.
    /// </summary>
    public sealed class HostNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(BoundArguments bound)
        {
            var inventory = bound.FilePath("InventoryPath");
            return inventory != null
                ? InventoryJson.Read(inventory).Hosts.Select(h => h.Name)
                : HostRegistry.Default.Hosts.Select(h => h.Name);
        }
    }

    /// <summary>Tab completion of VM names on the connected hosts (a slow host is skipped after the call timeout).</summary>
    public sealed class VMNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(BoundArguments bound) =>
            new Inventory(HostRegistry.Default).ListVMs(HostRegistry.Default.Hosts, CancellationToken.None, out _).Select(vm => vm.Name);
    }

    /// <summary>Tab completion of storage pool names: the -Destination host's pools when it is named, every connected host's otherwise.</summary>
    public sealed class StoragePoolNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(BoundArguments bound)
        {
            var registry = HostRegistry.Default;
            var destination = bound.Name("Destination");
            var hosts = registry.Hosts.Where(h => destination == null || string.Equals(h.Name, destination, System.StringComparison.OrdinalIgnoreCase));
            return new StorageNames(registry).Pools(hosts, CancellationToken.None);
        }
    }

    /// <summary>Tab completion of the disks (target devices such as vda) a storage move of the -VM on the command line can take.</summary>
    public sealed class DiskNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(BoundArguments bound)
        {
            var vm = bound.Name("VM");
            return vm == null ? Enumerable.Empty<string>() : new StorageNames(HostRegistry.Default).MovableDiskTargets(vm, CancellationToken.None);
        }
    }

    /// <summary>Tab completion of the rule names of the rules file on the command line (-Path, -LiteralPath or -RulePath).</summary>
    public sealed class RuleNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(BoundArguments bound)
        {
            var file = bound.FilePath(FileSystemPath.LiteralPathSet) ?? bound.FilePath(FileSystemPath.PathSet) ?? bound.FilePath("RulePath");
            return file == null ? Enumerable.Empty<string>() : ClusterRulesFile.Read(file).Rules.Select(r => r.Name);
        }
    }
}
