using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.State;

namespace VmMigration.Session
{
    /// <summary>Gathers hosts and VMs from every connected host in parallel; a silent host is reported, never waited on.</summary>
    public sealed class Inventory
    {
        private readonly HostRegistry registry;
        private readonly MaintenanceStore maintenance;

        public Inventory(HostRegistry registry, MaintenanceStore? maintenance = null)
        {
            this.registry = registry;
            this.maintenance = maintenance ?? MaintenanceStore.Default;
        }

        /// <summary>Hosts with capacity and usage; a host marked for maintenance (in any session) shows as Maintenance.</summary>
        public IReadOnlyList<MigrationHost> DescribeHosts(IEnumerable<ConnectedHost> hosts, CancellationToken cancellationToken)
        {
            var answers = registry.ForEachHost(hosts, c => (Facts: c.GetHostFacts(), Guests: c.ListGuests(), Leases: HostMaintenanceMark.TryList(c)), "its host facts", cancellationToken);
            var marks = maintenance.List();
            var now = DateTime.UtcNow;
            return answers.Select(a =>
            {
                if (a.Error != null)
                {
                    return DescribeUnreachable(a.Host, a.Error);
                }
                var host = Describe(a.Host, a.Value.Facts, a.Value.Guests);
                var mark = marks.FirstOrDefault(m => string.Equals(m.HostUuid, host.HostUuid, StringComparison.OrdinalIgnoreCase));
                var hostMark = HostMaintenanceMark.Find(a.Value.Leases);
                if (mark != null)
                {
                    host.State = HostState.Maintenance;
                    host.Message = $"In maintenance since {mark.Since:u}: {mark.Reason}";
                }
                else if (hostMark != null)
                {
                    // Marked by a runner on another machine (or in a state directory this one does not read): the host says so.
                    host.State = HostState.Maintenance;
                    host.Message = $"In maintenance: {hostMark.Describe()}";
                }
                host.HeldBy = HostMaintenanceMark.CurrentRun(a.Value.Leases, now)?.Describe();
                return host;
            }).ToList();
        }

        /// <summary>VMs on the given hosts; hosts that fail are returned in <paramref name="failures"/> rather than thrown.</summary>
        public IReadOnlyList<MigrationVM> ListVMs(IEnumerable<ConnectedHost> hosts, CancellationToken cancellationToken, out IReadOnlyList<MigrationException> failures)
        {
            var answers = registry.ForEachHost(hosts, c => c.ListGuests(), "its list of VMs", cancellationToken);
            failures = answers.Where(a => a.Error != null).Select(a => a.Error!).ToList();
            return answers.Where(a => a.Error == null)
                .SelectMany(a => a.Value.Select(g => ToMigrationVM(g, a.Host.Name)))
                .OrderBy(vm => vm.HostName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(vm => vm.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
        }

        /// <summary>
        /// Finds one VM by name or UUID, on <paramref name="hostHint"/> first when given. A name found on more than one
        /// host is ambiguous unless exactly one copy is running (an inactive leftover definition elsewhere).
        /// </summary>
        public LocatedVM Locate(string nameOrUuid, string? hostHint, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(hostHint))
            {
                var hinted = registry.Resolve(hostHint!);
                var guest = hinted.CancellableConnection(cancellationToken).FindGuest(nameOrUuid);
                if (guest != null)
                {
                    return new LocatedVM(hinted, guest);
                }
            }

            var answers = registry.ForEachHost(registry.Hosts, c => c.FindGuest(nameOrUuid), $"a look-up of VM '{nameOrUuid}'", cancellationToken);
            var found = answers.Where(a => a.Error == null && a.Value != null).Select(a => new LocatedVM(a.Host, a.Value!)).ToList();
            if (found.Count == 1)
            {
                return found[0];
            }
            if (found.Count > 1)
            {
                // A migration in flight shows the VM running on its source and paused on the destination; an old
                // definition may linger shut off elsewhere. The one copy that runs is the VM.
                var running = found.Where(f => f.Guest.State == VMState.Running).ToList();
                var active = found.Where(f => f.Guest.Active).ToList();
                if (running.Count == 1)
                {
                    return running[0];
                }
                if (active.Count == 1)
                {
                    return active[0];
                }
                throw new MigrationException(ErrorIds.AmbiguousVmName, ErrorKind.InvalidArgument,
                    $"VM '{nameOrUuid}' exists on several hosts ({string.Join(", ", found.Select(f => $"{f.Host.Name}: {f.Guest.State}"))}). Name the host with -HostName or pass the VM object from Get-MigrationVM.",
                    nameOrUuid);
            }

            var unreachable = answers.Where(a => a.Error != null).Select(a => a.Host.Name).ToList();
            var hint = unreachable.Count > 0 ? $" Hosts that did not answer: {string.Join(", ", unreachable)}." : "";
            throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                $"No VM named '{nameOrUuid}' on the connected hosts ({string.Join(", ", registry.Hosts.Select(h => h.Name))}).{hint} List them with Get-MigrationVM.",
                nameOrUuid);
        }

        public static MigrationVM ToMigrationVM(GuestInfo guest, string hostName) => new MigrationVM
        {
            Name = guest.Name,
            Uuid = guest.Uuid,
            HostName = hostName,
            State = guest.State,
            MemoryMB = guest.MemoryMB,
            VCpuCount = guest.VCpuCount,
            Persistent = guest.Persistent,
            IsLinkedClone = guest.IsLinkedClone,
            ParentName = guest.ParentName,
            CpuTimeNs = guest.CpuTimeNs,
        };

        private static MigrationHost Describe(ConnectedHost host, HostFacts facts, IReadOnlyList<GuestInfo> guests) => new MigrationHost
        {
            Name = host.Name,
            Uri = host.Uri.Display,
            Provider = host.Provider,
            State = HostState.Connected,
            CpuCount = facts.CpuCount,
            MemoryMB = facts.MemoryMB,
            FreeMemoryMB = facts.FreeMemoryMB,
            VMCount = guests.Count(g => g.Active),
            HostUuid = facts.HostUuid,
            NodeName = facts.Hostname,
            CpuModel = facts.CpuModel,
            HypervisorVersion = facts.HypervisorVersion,
            LibvirtVersion = facts.LibvirtVersion,
            MigrationAddress = host.MigrationAddress,
            MigrationAddresses = host.MigrationAddresses.ToArray(),
        };

        private static MigrationHost DescribeUnreachable(ConnectedHost host, MigrationException error) => new MigrationHost
        {
            Name = host.Name,
            Uri = host.Uri.Display,
            Provider = host.Provider,
            State = HostState.Unreachable,
            MigrationAddress = host.MigrationAddress,
            MigrationAddresses = host.MigrationAddresses.ToArray(),
            Message = error.Message,
        };
    }

    /// <summary>A VM and the host it was found on.</summary>
    public sealed class LocatedVM
    {
        public LocatedVM(ConnectedHost host, GuestInfo guest)
        {
            Host = host;
            Guest = guest;
        }

        public ConnectedHost Host { get; }
        public GuestInfo Guest { get; }
    }
}
