using System.Collections.Generic;

namespace VmMigration.Planning
{
    /// <summary>
    /// The planner's running picture of the cluster while it plans: what each host holds and where each unit is.
    /// Every move is checked against it before it is applied, so the move sequence is valid one step at a time;
    /// the <see cref="WaveScheduler"/> then decides which moves may overlap.
    /// </summary>
    internal sealed class CapacityLedger
    {
        private readonly PlacementModel model;
        public readonly double[] UsedCpu;
        public readonly long[] UsedMemoryMB;
        public readonly int[] UnitHost;
        /// <summary>Units on each host, unordered (removal swaps with the last); only whole units, never split groups.</summary>
        public readonly List<int>[] HostUnits;
        public readonly bool[] Moved;

        public CapacityLedger(PlacementModel model)
        {
            this.model = model;
            UsedCpu = new double[model.HostCount];
            UsedMemoryMB = new long[model.HostCount];
            HostUnits = new List<int>[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) HostUnits[h] = new List<int>();
            // Usage counts per VM, so the members of a split affinity group weigh on the hosts they really run on.
            for (int v = 0; v < model.VMs.Length; v++)
            {
                int h = model.HostIndex[model.VMs[v].HostName];
                UsedCpu[h] += model.VmCpuDemand[v];
                UsedMemoryMB[h] += model.VMs[v].MemoryMB;
            }
            UnitHost = (int[])model.UnitInitialHost.Clone();
            Moved = new bool[model.UnitCount];
            for (int u = 0; u < model.UnitCount; u++)
            {
                if (UnitHost[u] >= 0) HostUnits[UnitHost[u]].Add(u);
            }
        }

        public bool Fits(int unit, int host) =>
            UsedMemoryMB[host] + model.UnitMemoryMB[unit] <= model.UsableMemoryMB[host] &&
            UsedCpu[host] + model.UnitCpu[unit] <= model.UsableCpu[host] + Usable.CpuTolerance;

        /// <summary>Would fit if the host were empty: tells "too large" apart from "no room right now".</summary>
        public bool FitsEmpty(int unit, int host) =>
            model.UnitMemoryMB[unit] <= model.UsableMemoryMB[host] && model.UnitCpu[unit] <= model.UsableCpu[host] + Usable.CpuTolerance;

        public bool HasConflictOn(int unit, int host)
        {
            foreach (var other in model.UnitConflicts[unit])
            {
                if (UnitHost[other] == host) return true;
                // A split group's members sit on several hosts; check them one by one.
                if (UnitHost[other] < 0 && AnyMemberOn(other, host)) return true;
            }
            return false;
        }

        /// <summary>All hard constraints of moving the unit now: in service, allowed, room, anti-affinity. Preference is the caller's choice.</summary>
        public bool CanMove(int unit, int to) => !Moved[unit] && CanMoveAgain(unit, to);

        /// <summary>As <see cref="CanMove"/> for a unit that may have moved before in this plan (staging).</summary>
        public bool CanMoveAgain(int unit, int to)
        {
            int from = UnitHost[unit];
            return from >= 0 && from != to && model.InService[to] && model.IsAllowed(unit, to) && Fits(unit, to) && !HasConflictOn(unit, to);
        }

        public void Apply(int unit, int to)
        {
            int from = UnitHost[unit];
            Shift(unit, from, to);
            Moved[unit] = true;
        }

        /// <summary>Takes back a move made by <see cref="Apply"/> (used when a consolidation attempt fails half-way).</summary>
        public void Undo(int unit, int from)
        {
            Shift(unit, UnitHost[unit], from);
            Moved[unit] = false;
        }

        /// <summary>Puts a unit on another host without touching <see cref="Moved"/>: for a search that keeps its own count of moves.</summary>
        public void Relocate(int unit, int to) => Shift(unit, UnitHost[unit], to);

        /// <summary>The anti-affinity rule that the unit would break on the host, or null.</summary>
        public string? ConflictRuleOn(int unit, int host)
        {
            var others = model.UnitConflicts[unit];
            for (int i = 0; i < others.Length; i++)
            {
                int other = others[i];
                if (UnitHost[other] == host || (UnitHost[other] < 0 && AnyMemberOn(other, host))) return model.UnitConflictRules[unit][i];
            }
            return null;
        }

        private void Shift(int unit, int from, int to)
        {
            UsedCpu[from] -= model.UnitCpu[unit];
            UsedMemoryMB[from] -= model.UnitMemoryMB[unit];
            UsedCpu[to] += model.UnitCpu[unit];
            UsedMemoryMB[to] += model.UnitMemoryMB[unit];
            var list = HostUnits[from];
            int at = list.IndexOf(unit);
            list[at] = list[list.Count - 1];
            list.RemoveAt(list.Count - 1);
            HostUnits[to].Add(unit);
            UnitHost[unit] = to;
        }

        private bool AnyMemberOn(int unit, int host)
        {
            foreach (var v in model.UnitMembers[unit])
            {
                if (model.HostIndex[model.VMs[v].HostName] == host) return true;
            }
            return false;
        }
    }
}
