using System;

namespace VmMigration
{
    /// <summary>
    /// The outcome of a whole rolling maintenance, written after the hosts' results. Moves and bytes are compared with
    /// evacuate-then-failback (each host drained, then its VMs moved back before the next host): that moves every VM
    /// twice, its memory each time; both sides count a move as the VM's memory sent once.
    /// </summary>
    public sealed class RollingMaintenanceSummary
    {
        public DateTime Start { get; set; }
        public DateTime End { get; set; }
        public double DurationSec { get; set; }
        public int Hosts { get; set; }
        public int Succeeded { get; set; }
        public int Failed { get; set; }
        public int Skipped { get; set; }
        public int NotStarted { get; set; }
        /// <summary>The hosts in the order they were done (or are to be done).</summary>
        public string[] Order { get; set; } = Array.Empty<string>();
        /// <summary>Moves made: drains and failbacks.</summary>
        public int Moves { get; set; }
        /// <summary>What the moves sent, as measured.</summary>
        public long TransferredBytes { get; set; }
        /// <summary>The memory of the VMs moved, once per move.</summary>
        public long MovedMemoryBytes { get; set; }
        /// <summary>The moves evacuate-then-failback would have made: two per VM the run drained from its own host.</summary>
        public int BaselineMoves { get; set; }
        /// <summary>The memory evacuate-then-failback would have moved: each of those VMs' memory twice.</summary>
        public long BaselineBytes { get; set; }
        public int MovesSaved { get; set; }
        public long BytesSaved { get; set; }
        /// <summary>Where a stopped run stopped (host and phase); empty when the run ended.</summary>
        public string? StoppedAt { get; set; }
        public string JournalPath { get; set; } = "";

        public override string ToString() =>
            $"{Succeeded} of {Hosts} hosts done, {Failed} failed, {NotStarted} not started; {Moves} moves ({MovesSaved} saved) in {DurationSec:0.#} s";
    }
}
