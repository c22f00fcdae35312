using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Planning
{
    /// <summary>
    /// A rolling maintenance as planned before anything moves: the hosts in the order they will be done, the Evacuate
    /// plan of each in its turn (with the hosts done before it back in service), and every reason a host cannot be
    /// drained in its turn. Nothing moves; the run plans each drain again when its turn comes.
    /// </summary>
    public sealed class MaintenanceSequence
    {
        public List<MaintenanceSequenceStep> Steps { get; } = new List<MaintenanceSequenceStep>();
        public List<MaintenanceBlocker> Blockers { get; } = new List<MaintenanceBlocker>();

        public IEnumerable<string> Order => Steps.Select(s => s.HostName);
    }

    /// <summary>One host's turn: the moves that would drain it then.</summary>
    public sealed class MaintenanceSequenceStep
    {
        public MaintenanceSequenceStep(string hostName, IReadOnlyList<MigrationPlanStep> moves, int movesToHostsNotDone)
        {
            HostName = hostName;
            Moves = moves;
            MovesToHostsNotDone = movesToHostsNotDone;
        }

        public string HostName { get; }
        public IReadOnlyList<MigrationPlanStep> Moves { get; }
        /// <summary>Moves onto hosts whose turn is still to come: those VMs move again then (unless they come back first).</summary>
        public int MovesToHostsNotDone { get; }
    }

    /// <summary>Why a host cannot be drained in its turn: a VM that fits nowhere (VMName set), or the host itself.</summary>
    public sealed class MaintenanceBlocker
    {
        public string HostName { get; set; } = "";
        /// <summary>Empty when the host itself is the reason (unreachable, the last host in service).</summary>
        public string VMName { get; set; } = "";
        /// <summary>The planner's reason code or error id: NoEvacuationTarget, VmTooLarge, RuleConflict, HostUnreachable ...</summary>
        public string Code { get; set; } = "";
        public string Message { get; set; } = "";

        public override string ToString() => VMName.Length == 0 ? $"{HostName}: {Code}: {Message}" : $"{HostName}: VM '{VMName}': {Code}: {Message}";
    }
}
