using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Execution.Clone
{
    /// <summary>
    /// Linked clones and their parent: the children of a VM are the guests on its host whose lineage names its UUID.
    /// A parent with children must stay where it is, as it is: their disks read through to its disks.
    /// </summary>
    public static class CloneFamily
    {
        public static IReadOnlyList<GuestInfo> ChildrenOf(IHostConnection host, GuestInfo parent) =>
            host.ListGuests().Where(g => string.Equals(g.ParentUuid, parent.Uuid, StringComparison.OrdinalIgnoreCase)).OrderBy(g => g.Name).ToList();

        /// <summary>ParentProtected, listing the children, when <paramref name="parent"/> has any.</summary>
        public static void EnsureNoChildren(IHostConnection host, GuestInfo parent, string refusedAction)
        {
            var children = ChildrenOf(host, parent);
            if (children.Count == 0) return;
            throw new MigrationException(ErrorIds.ParentProtected, ErrorKind.InvalidOperation,
                $"VM '{parent.Name}' is the parent of linked clones ({string.Join(", ", children.Select(c => c.Name))}); {refusedAction} it would break them. " +
                "Remove the linked clones first, or make full clones of them.", parent.Name);
        }
    }
}
