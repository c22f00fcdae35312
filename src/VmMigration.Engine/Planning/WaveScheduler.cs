using System;
using System.Collections.Generic;

namespace VmMigration.Planning
{
    /// <summary>
    /// Groups moves into waves that may run in parallel. Within a wave any subset of moves may have finished at any
    /// moment, so a destination must hold its arrivals while every VM leaving in the same wave is still there (a live
    /// migration occupies both hosts until it ends); only departures of earlier waves free room. Anti-affinity is checked
    /// the same way: two VMs that must stay apart are never on one host at any moment of a wave.
    /// Moves are taken in the order the goal applied them (each valid on its own at that point), and each goes to the
    /// earliest wave that works; one past the last wave always works, because it sees the state the goal saw.
    /// </summary>
    internal sealed class WaveScheduler
    {
        private readonly PlacementModel model;
        private readonly int perHostLimit;
        private readonly long[] baseMemory;
        private readonly double[] baseCpu;
        private readonly List<HostWave>[] waves;
        /// <summary>Each unit's scheduled moves in sequence order (a staged unit has two): the wave and the destination.</summary>
        private readonly List<(int Wave, int To)>?[] unitMoves;
        private int waveCount;

        private struct HostWave
        {
            public long InMemory, OutMemory;
            public double InCpu, OutCpu;
            public int Migrations;
        }

        public WaveScheduler(PlacementModel model, long[] initialMemoryMB, double[] initialCpu, int perHostLimit)
        {
            this.model = model;
            this.perHostLimit = Math.Max(1, perHostLimit);
            baseMemory = initialMemoryMB;
            baseCpu = initialCpu;
            waves = new List<HostWave>[model.HostCount];
            for (int h = 0; h < model.HostCount; h++) waves[h] = new List<HostWave>();
            unitMoves = new List<(int Wave, int To)>?[model.UnitCount];
        }

        public int WaveCount => waveCount;

        /// <returns>The 1-based wave the move runs in.</returns>
        public int Schedule(PlannedMove move)
        {
            int unit = move.Unit, from = move.From, to = move.To;
            long memory = model.UnitMemoryMB[unit];
            double cpu = model.UnitCpu[unit];
            int last = waveCount + 1;

            // Worst moment of each wave at the destination, then the worst from each wave onward.
            var worstMemory = new long[last + 2];
            var worstCpu = new double[last + 2];
            long memoryAt = baseMemory[to];
            double cpuAt = baseCpu[to];
            for (int w = 1; w <= last; w++)
            {
                var slot = Slot(to, w);
                worstMemory[w] = memoryAt + slot.InMemory;
                worstCpu[w] = cpuAt + slot.InCpu;
                memoryAt += slot.InMemory - slot.OutMemory;
                cpuAt += slot.InCpu - slot.OutCpu;
            }
            worstMemory[last + 1] = long.MinValue;
            worstCpu[last + 1] = double.MinValue;
            for (int w = last; w >= 1; w--)
            {
                worstMemory[w] = Math.Max(worstMemory[w], worstMemory[w + 1]);
                worstCpu[w] = Math.Max(worstCpu[w], worstCpu[w + 1]);
            }

            // A unit that moved before in this plan (staging) leaves only once that move has ended.
            var earlier = unitMoves[unit];
            int previous = earlier == null ? 0 : earlier[earlier.Count - 1].Wave;
            int wave = Math.Max(last, previous + 1);
            for (int w = previous + 1; w < last; w++)
            {
                if (Slot(from, w).Migrations >= perHostLimit || Slot(to, w).Migrations >= perHostLimit) continue;
                if (worstMemory[w] + memory > model.UsableMemoryMB[to]) continue;
                if (worstCpu[w] + cpu > model.UsableCpu[to] + Usable.CpuTolerance) continue;
                if (MeetsConflictAt(unit, from, to, w, previous)) continue;
                wave = w;
                break;
            }

            Update(from, wave, (ref HostWave s) => { s.OutMemory += memory; s.OutCpu += cpu; s.Migrations++; });
            Update(to, wave, (ref HostWave s) => { s.InMemory += memory; s.InCpu += cpu; s.Migrations++; });
            (unitMoves[unit] ??= new List<(int Wave, int To)>()).Add((wave, to));
            if (wave > waveCount) waveCount = wave;
            return wave;
        }

        /// <summary>
        /// True when the unit, on <paramref name="to"/> from wave w on and still on <paramref name="from"/> from wave
        /// <paramref name="since"/> through w, would share a host with a unit it must stay apart from. A unit is on a host
        /// from the wave it arrives in through the wave it leaves in, both included: either may end at any moment of them.
        /// </summary>
        private bool MeetsConflictAt(int unit, int from, int to, int w, int since)
        {
            foreach (int other in model.UnitConflicts[unit])
            {
                int host = model.UnitInitialHost[other];
                if (host < 0) continue;   // a split group never moves; the goal's ledger keeps units off its hosts
                int arrived = 0;
                var moves = unitMoves[other];
                int count = moves?.Count ?? 0;
                for (int i = 0; i <= count; i++)
                {
                    int left = i < count ? moves![i].Wave : int.MaxValue;
                    if (host == to && left >= w) return true;
                    // Arriving where we still are; a pair that shares a host today is not this plan's doing.
                    if (i > 0 && host == from && arrived <= w && left >= since) return true;
                    if (i < count) { host = moves![i].To; arrived = moves[i].Wave; }
                }
            }
            return false;
        }

        private HostWave Slot(int host, int wave) => wave <= waves[host].Count ? waves[host][wave - 1] : default;

        private delegate void SlotChange(ref HostWave slot);

        private void Update(int host, int wave, SlotChange change)
        {
            var list = waves[host];
            while (list.Count < wave) list.Add(default);
            var slot = list[wave - 1];
            change(ref slot);
            list[wave - 1] = slot;
        }
    }
}
