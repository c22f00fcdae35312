using System;
using System.Collections.Generic;

namespace VmMigration
{
    /// <summary>The outcome of one balancing run (Invoke-ClusterBalance), written after the per-move results.</summary>
    public sealed class ClusterBalanceSummary
    {
        public DateTime Start { get; set; }
        public DateTime End { get; set; }
        public double DurationSec { get; set; }
        /// <summary>The hosts balanced.</summary>
        public List<string> Hosts { get; set; } = new List<string>();
        /// <summary>The load spread the run planned from (smoothed over the load history).</summary>
        public double ScoreBefore { get; set; }
        /// <summary>The load spread with this run's window alone.</summary>
        public double InstantScore { get; set; }
        /// <summary>The spread the plan predicts once its moves are made.</summary>
        public double ScoreAfter { get; set; }
        public double Threshold { get; set; }
        /// <summary>True when the smoothed spread was at or below the threshold, so nothing was planned.</summary>
        public bool WithinThreshold { get; set; }
        public int Planned { get; set; }
        public int Moved { get; set; }
        public int Failed { get; set; }
        /// <summary>Planned moves with nothing to do (the VM was already elsewhere) or not confirmed (-WhatIf, -Confirm).</summary>
        public int Skipped { get; set; }
        /// <summary>Planned moves not started because an earlier wave's move failed or the run was stopped.</summary>
        public int NotStarted { get; set; }
        /// <summary>VMs left where they are because a balance run moved them less than the cooldown ago.</summary>
        public int CoolingDown { get; set; }
        /// <summary>Moves refused because their gain did not pay for their cost.</summary>
        public int NotWorthMoving { get; set; }
        public long TransferredBytes { get; set; }
        public double PredictedDurationSec { get; set; }
        /// <summary>What the run found and did, in one sentence with the figures.</summary>
        public string Message { get; set; } = "";
        /// <summary>The plan the run made, with its figures (Balance) and reasons.</summary>
        public MigrationPlan? Plan { get; set; }

        public override string ToString() => Message;
    }
}
