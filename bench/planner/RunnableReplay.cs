using System.Collections.Generic;
using System.Linq;
using VmMigration;
using VmMigration.Planning;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// The part of a target placement (CP-SAT's) that runs one move at a time from today's: sweep the moves still to
    /// make, make each one that is valid now (room after reserves, every rule, each group moving once), and sweep again
    /// until a sweep makes none. Moves left over would need another VM to move first in a way the placement does not
    /// have (a cycle of full hosts), so they are not run; what the replay reaches is what a plan could do with that placement.
    /// </summary>
    internal static class RunnableReplay
    {
        public static BenchClusterState Run(ClusterInventory inventory, ClusterRules rules, IReadOnlyDictionary<int, string> targets)
        {
            var state = new BenchClusterState(inventory, rules);
            var pending = targets.OrderBy(t => t.Key).ToList();
            bool progress = true;
            while (progress && pending.Count > 0)
            {
                progress = false;
                for (int i = 0; i < pending.Count; i++)
                {
                    var (group, to) = (pending[i].Key, pending[i].Value);
                    if (!state.CanMove(group, to)) continue;
                    state.Move(group, to);
                    pending.RemoveAt(i--);
                    progress = true;
                }
            }
            return state;
        }

        /// <summary>VMs still on the evacuated hosts.</summary>
        public static int Left(BenchClusterState state, IReadOnlyCollection<string> evacuated) => state.Location.Values.Count(evacuated.Contains);
    }
}
