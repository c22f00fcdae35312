using System;

namespace VmMigration.Planning
{
    /// <summary>
    /// How uneven the cluster is, the way DRS measures it: the standard deviation of host load, where a host's load is
    /// its demand relative to its capacity, taken for CPU and for memory and combined as sqrt((varCpu + varMemory) / 2).
    /// 0 is perfectly even; 0.1 means hosts typically sit 10 points away from the mean. Only in-service hosts count
    /// (and, for Evacuate, not the hosts being emptied), because an empty maintenance host is not an imbalance.
    /// Kept as running sums so the effect of one move is known in O(1).
    /// </summary>
    public sealed class LoadScore
    {
        private readonly PlacementModel model;
        private readonly bool[] scored;
        private readonly int count;
        private double sumCpu, sumSqCpu, sumMem, sumSqMem;

        internal LoadScore(PlacementModel model, CapacityLedger ledger, bool[] scored)
        {
            this.model = model;
            this.scored = scored;
            for (int h = 0; h < model.HostCount; h++)
            {
                if (!scored[h]) continue;
                count++;
                double c = CpuLoad(h, ledger.UsedCpu[h]), m = MemoryLoad(h, ledger.UsedMemoryMB[h]);
                sumCpu += c; sumSqCpu += c * c; sumMem += m; sumSqMem += m * m;
            }
        }

        /// <summary>The score of an inventory as it stands, under the given rules (maintenance hosts) and assumptions.</summary>
        public static double Compute(ClusterInventory inventory, ClusterRules? rules = null, PlanningOptions? options = null)
        {
            if (inventory == null) throw new ArgumentNullException(nameof(inventory));
            inventory.Validate();
            var model = new PlacementModel(inventory.SortedCopy(), rules ?? new ClusterRules(), options ?? new PlanningOptions());
            var ledger = new CapacityLedger(model);
            return new LoadScore(model, ledger, (bool[])model.InService.Clone()).Value;
        }

        public double Value => Combine(sumCpu, sumSqCpu, sumMem, sumSqMem);

        internal double CpuLoad(int host, double usedCpu) => usedCpu / model.CpuCapacity[host];

        internal double MemoryLoad(int host, long usedMemoryMB) => (double)usedMemoryMB / model.MemoryCapacityMB[host];

        /// <summary>The score after moving <paramref name="cpu"/> and <paramref name="memoryMB"/> from one host to another, without moving it.</summary>
        internal double IfMoved(CapacityLedger ledger, int from, int to, double cpu, long memoryMB)
        {
            double sc = sumCpu, ssc = sumSqCpu, sm = sumMem, ssm = sumSqMem;
            Shift(ledger, from, -cpu, -memoryMB, ref sc, ref ssc, ref sm, ref ssm);
            Shift(ledger, to, cpu, memoryMB, ref sc, ref ssc, ref sm, ref ssm);
            return Combine(sc, ssc, sm, ssm);
        }

        /// <summary>Call before the ledger applies the move, with the same numbers.</summary>
        internal void Move(CapacityLedger ledger, int from, int to, double cpu, long memoryMB)
        {
            Shift(ledger, from, -cpu, -memoryMB, ref sumCpu, ref sumSqCpu, ref sumMem, ref sumSqMem);
            Shift(ledger, to, cpu, memoryMB, ref sumCpu, ref sumSqCpu, ref sumMem, ref sumSqMem);
        }

        private void Shift(CapacityLedger ledger, int host, double cpu, long memoryMB, ref double sc, ref double ssc, ref double sm, ref double ssm)
        {
            if (!scored[host]) return;
            double oldC = CpuLoad(host, ledger.UsedCpu[host]), newC = CpuLoad(host, ledger.UsedCpu[host] + cpu);
            double oldM = MemoryLoad(host, ledger.UsedMemoryMB[host]), newM = MemoryLoad(host, ledger.UsedMemoryMB[host] + memoryMB);
            sc += newC - oldC; ssc += newC * newC - oldC * oldC;
            sm += newM - oldM; ssm += newM * newM - oldM * oldM;
        }

        internal double MeanCpu => count == 0 ? 0 : sumCpu / count;
        internal double MeanMemory => count == 0 ? 0 : sumMem / count;

        private double Combine(double sc, double ssc, double sm, double ssm)
        {
            if (count == 0) return 0;
            double varCpu = Math.Max(0, ssc / count - (sc / count) * (sc / count));
            double varMem = Math.Max(0, ssm / count - (sm / count) * (sm / count));
            return Math.Sqrt((varCpu + varMem) / 2);
        }
    }
}
