using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Planning;

namespace VmMigration.Execution.Maintenance
{
    /// <summary>A rolling maintenance as its preflight sees it: the turns to come, in order, and the hosts left out or already finished.</summary>
    public sealed class RollingMaintenancePreview
    {
        public RollingMaintenancePreview(IReadOnlyList<RollingMaintenanceTurn> turns, IReadOnlyList<string> skipped, IReadOnlyList<string> finished, IReadOnlyList<string> warnings)
        {
            Turns = turns;
            Skipped = skipped;
            Finished = finished;
            Warnings = warnings;
        }

        public IReadOnlyList<RollingMaintenanceTurn> Turns { get; }
        public IReadOnlyList<string> Skipped { get; }
        /// <summary>Hosts a resumed run finished before.</summary>
        public IReadOnlyList<string> Finished { get; }
        /// <summary>Hosts that did not answer while the cluster was read, and -SkipHost names that are not in the run.</summary>
        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>One host's turn as planned: the moves of its drain (planned again when its turn comes), and what then happens to it.</summary>
    public sealed class RollingMaintenanceTurn
    {
        public RollingMaintenanceTurn(string hostName, IReadOnlyList<MigrationPlanStep> moves, MaintenancePhase resumesAt, MaintenanceFailback failback)
        {
            HostName = hostName;
            Moves = moves;
            ResumesAt = resumesAt;
            Failback = failback;
        }

        public string HostName { get; }
        public IReadOnlyList<MigrationPlanStep> Moves { get; }
        /// <summary>The phase a resumed run goes on from (None for a host not started).</summary>
        public MaintenancePhase ResumesAt { get; }
        public MaintenanceFailback Failback { get; }

        /// <summary>What the turn does, as a confirmation prompt says it.</summary>
        public string Action
        {
            get
            {
                var destinations = string.Join(", ", Moves.Select(m => m.Destination).Distinct().OrderBy(d => d));
                var drain = ResumesAt > MaintenancePhase.Draining ? $"Go on from phase {ResumesAt}: "
                    : Moves.Count == 0 ? "Enter maintenance (no running VM to move), "
                    : $"Enter maintenance, live-migrate its {Moves.Count} running VMs away (to {destinations}), ";
                var back = Failback == MaintenanceFailback.Original ? "leave maintenance and move its VMs back" : "leave maintenance";
                return $"{drain}run the maintenance script, wait for the host to answer, check it, {back}";
            }
        }
    }

    /// <summary>RollingMaintenanceInfeasible: the preflight found hosts that cannot be drained in their turn; nothing was started.</summary>
    public sealed class MaintenanceInfeasibleException : MigrationException
    {
        public MaintenanceInfeasibleException(IReadOnlyList<MaintenanceBlocker> blockers)
            : base(ErrorIds.RollingMaintenanceInfeasible, ErrorKind.InvalidOperation, Describe(blockers), string.Join(",", blockers.Select(b => b.HostName).Distinct()))
        {
            Blockers = blockers;
        }

        /// <summary>Every blocker of every host.</summary>
        public IReadOnlyList<MaintenanceBlocker> Blockers { get; }

        private static string Describe(IReadOnlyList<MaintenanceBlocker> blockers)
        {
            var hosts = blockers.Select(b => b.HostName).Distinct().ToList();
            return $"The rolling maintenance was not started: {hosts.Count} host(s) cannot be drained in their turn ({blockers.Count} blocker(s)): " +
                string.Join("; ", blockers.Select(b => b.ToString().TrimEnd('.'))) +
                $". Make room or change the rules, or leave those hosts out with -SkipHost {string.Join(", ", hosts)}.";
        }
    }
}
