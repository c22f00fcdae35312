using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>What a rolling maintenance asks of the planner: the hosts to do and how their VMs come back.</summary>
    public sealed class MaintenanceSequenceOptions
    {
        /// <summary>The hosts to do, in the user's order.</summary>
        public List<string> Hosts { get; set; } = new List<string>();
        /// <summary>The first host stays first whatever the order chosen (a resumed run goes on with the host it was doing).</summary>
        public bool FirstIsFixed { get; set; }
        /// <summary>
        /// Choose the order (-HostOrder Auto): each turn, among the hosts that can be drained, the one whose drain sends the least
        /// memory onto hosts still to do (it moves again there), then the least memory in all. When VMs return, every order moves
        /// the same VMs, so only feasibility reorders the given one.
        /// </summary>
        public bool ChooseOrder { get; set; }
        /// <summary>Each host gets its VMs back after its turn (-Failback Original); otherwise they stay where they were moved.</summary>
        public bool VMsReturn { get; set; }
        /// <summary>Hosts already done, in service again.</summary>
        public List<string> Done { get; set; } = new List<string>();
        /// <summary>Bandwidth, downtime and the other assumptions of each Evacuate plan; goal, hosts and preferences are set per turn.</summary>
        public PlanningOptions Planning { get; set; } = new PlanningOptions();
    }

    /// <summary>
    /// Plans a whole rolling maintenance before anything moves, with the planner's Evacuate goal only: host after host,
    /// the drain of that host onto the others (the ones done before it back in service, and preferred as destinations
    /// when VMs do not return, so that a VM moved there never moves again), applied to a copy of the inventory before
    /// the next host's turn. Every VM that would fit nowhere, and every host that cannot be drained at all, is a blocker;
    /// a blocked host is left out and planning goes on, so that one pass lists every blocker of every host.
    /// </summary>
    public static class MaintenanceSequencePlanner
    {
        public static MaintenanceSequence Plan(ClusterInventory inventory, ClusterRules? rules, MaintenanceSequenceOptions options)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            if (options == null) throw new ArgumentNullException(nameof(options));
            var state = Copy(inventory);
            var done = new HashSet<string>(options.Done, StringComparer.Ordinal);
            var pending = options.Hosts.Distinct(StringComparer.Ordinal).ToList();
            var sequence = new MaintenanceSequence();
            var first = true;
            while (pending.Count > 0)
            {
                var candidates = options.ChooseOrder && !(first && options.FirstIsFixed) ? pending : pending.Take(1).ToList();
                var trials = candidates.Select(host => Try(state, rules, options, done, host)).ToList();
                var chosen = trials.Where(t => t.Blockers.Count == 0)
                    .OrderBy(t => t.MemoryToHostsNotDoneMB).ThenBy(t => options.VMsReturn ? 0 : t.MemoryMovedMB).ThenBy(t => pending.IndexOf(t.HostName))
                    .FirstOrDefault();
                first = false;
                if (chosen == null)
                {
                    // Given order: this host is left out, the next comes. Chosen order: no host left can be drained.
                    foreach (var trial in trials)
                    {
                        sequence.Blockers.AddRange(trial.Blockers);
                        pending.Remove(trial.HostName);
                    }
                    continue;
                }
                sequence.Steps.Add(new MaintenanceSequenceStep(chosen.HostName, chosen.Moves, chosen.Moves.Count(m => !done.Contains(m.Destination))));
                pending.Remove(chosen.HostName);
                Apply(state, chosen, options.VMsReturn);
                done.Add(chosen.HostName);
            }
            return sequence;
        }

        /// <summary>The drain of <paramref name="host"/> now: its Evacuate plan, or why it cannot be drained.</summary>
        private static Trial Try(ClusterInventory state, ClusterRules? rules, MaintenanceSequenceOptions options, HashSet<string> done, string host)
        {
            var trial = new Trial(host);
            var inventoryHost = state.Hosts.FirstOrDefault(h => string.Equals(h.Name, host, StringComparison.Ordinal));
            if (inventoryHost?.State == HostState.Unreachable)
            {
                trial.Blockers.Add(new MaintenanceBlocker { HostName = host, Code = ErrorIds.HostUnreachable, Message = $"Host '{host}' does not answer, so its VMs cannot be moved away." });
                return trial;
            }
            var planning = options.Planning.ForReplanning();
            planning.Goal = PlanGoal.Evacuate;
            planning.HostNames = new List<string> { host };
            planning.IncludeStopped = false;
            planning.PreferredDestinations = options.VMsReturn ? null : done.Where(d => d != host).OrderBy(d => d, StringComparer.Ordinal).ToList();
            MigrationPlan plan;
            try
            {
                plan = MigrationPlanner.Plan(state, rules, planning);
            }
            catch (MigrationException error)
            {
                trial.Blockers.Add(new MaintenanceBlocker { HostName = host, Code = error.ErrorId, Message = error.Message });
                return trial;
            }
            trial.Blockers.AddRange(plan.Unplaced.Where(u => string.Equals(u.HostName, host, StringComparison.Ordinal))
                .Select(u => new MaintenanceBlocker { HostName = host, VMName = u.VMName, Code = u.Reason.Code, Message = u.Reason.Text }));
            trial.Moves.AddRange(plan.Steps);
            trial.MemoryMovedMB = plan.Steps.Sum(s => s.MemoryMB);
            trial.MemoryToHostsNotDoneMB = options.VMsReturn ? 0 : plan.Steps.Where(s => !done.Contains(s.Destination)).Sum(s => s.MemoryMB);
            return trial;
        }

        /// <summary>The cluster after a host's turn: back in service, with its VMs back or where they were moved.</summary>
        private static void Apply(ClusterInventory state, Trial trial, bool vmsReturn)
        {
            foreach (var host in state.Hosts.Where(h => string.Equals(h.Name, trial.HostName, StringComparison.Ordinal) && h.State == HostState.Maintenance))
            {
                host.State = HostState.Connected;
            }
            if (vmsReturn)
            {
                return;
            }
            foreach (var move in trial.Moves)
            {
                foreach (var vm in state.VMs.Where(v => string.Equals(v.Name, move.VMName, StringComparison.Ordinal)))
                {
                    vm.HostName = move.Destination;
                }
            }
        }

        private static ClusterInventory Copy(ClusterInventory inventory) => new ClusterInventory
        {
            SnapshotTime = inventory.SnapshotTime,
            Hosts = inventory.Hosts.Select(h => new InventoryHost { Name = h.Name, CpuCount = h.CpuCount, MemoryMB = h.MemoryMB, State = h.State }).ToList(),
            VMs = inventory.VMs.Select(v => new InventoryVM
            {
                Name = v.Name, HostName = v.HostName, VCpuCount = v.VCpuCount, MemoryMB = v.MemoryMB,
                CpuUsagePercent = v.CpuUsagePercent, DirtyRateMBps = v.DirtyRateMBps, Stopped = v.Stopped,
            }).ToList(),
        };

        /// <summary>One candidate's drain, weighed when the order is chosen.</summary>
        private sealed class Trial
        {
            public Trial(string hostName)
            {
                HostName = hostName;
            }

            public string HostName { get; }
            public List<MigrationPlanStep> Moves { get; } = new List<MigrationPlanStep>();
            public List<MaintenanceBlocker> Blockers { get; } = new List<MaintenanceBlocker>();
            /// <summary>Memory (MB) the drain moves.</summary>
            public long MemoryMovedMB { get; set; }
            /// <summary>Memory (MB) moved onto hosts still to do: it moves again in their turn.</summary>
            public long MemoryToHostsNotDoneMB { get; set; }
        }
    }
}
