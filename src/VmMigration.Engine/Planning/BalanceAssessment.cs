using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace VmMigration
{
    /// <summary>
    /// What a Balance plan saw and why it moves what it moves (or nothing): the load spread this window and smoothed,
    /// against the threshold; each balanced host's and VM's load, instant and smoothed; the VMs it left alone because a
    /// balance run moved them recently, and the moves it refused because their gain did not pay for their cost.
    /// </summary>
    public sealed class BalanceAssessment
    {
        [JsonRequired]
        public double Threshold { get; set; }
        [JsonRequired]
        public double TargetScore { get; set; }
        /// <summary>The load spread with this window's CPU figures alone.</summary>
        [JsonRequired]
        public double InstantScore { get; set; }
        /// <summary>The load spread with the smoothed figures: what the plan balances (the plan's ScoreBefore).</summary>
        [JsonRequired]
        public double SmoothedScore { get; set; }
        /// <summary>True when the smoothed spread is at or below the threshold: the plan is empty on purpose.</summary>
        [JsonRequired]
        public bool WithinThreshold { get; set; }
        /// <summary>How the smoothed figures were made (see <see cref="Planning.LoadSmoothing"/>).</summary>
        [JsonRequired]
        public string Smoothing { get; set; } = "";
        /// <summary>One sentence with the figures: "Balanced within threshold: ..." or what the plan does about the spread.</summary>
        [JsonRequired]
        public string Summary { get; set; } = "";
        public List<HostLoadFigure> Hosts { get; set; } = new List<HostLoadFigure>();
        public List<VMLoadFigure> VMs { get; set; } = new List<VMLoadFigure>();
        /// <summary>VMs a balance run moved less than the cooldown ago: balancing leaves them where they are (code CoolingDown).</summary>
        public List<UnplacedVM> CoolingDown { get; set; } = new List<UnplacedVM>();
        /// <summary>The best move left when planning stopped, refused because its gain does not pay for its cost (code GainDoesNotPay).</summary>
        public List<UnplacedVM> NotWorthMoving { get; set; } = new List<UnplacedVM>();

        public override string ToString() => Summary;
    }

    /// <summary>A balanced host's load as the plan saw it, in percent of its capacity.</summary>
    public sealed class HostLoadFigure
    {
        [JsonRequired]
        public string Name { get; set; } = "";
        [JsonRequired]
        public double InstantCpuPercent { get; set; }
        [JsonRequired]
        public double SmoothedCpuPercent { get; set; }
        [JsonRequired]
        public double MemoryPercent { get; set; }

        public override string ToString() => $"{Name}: CPU {SmoothedCpuPercent:0}% (now {InstantCpuPercent:0}%), memory {MemoryPercent:0}%";
    }

    /// <summary>A VM's CPU use as the plan saw it, in percent of its vCPUs; empty when not sampled (the assumed use counts).</summary>
    public sealed class VMLoadFigure
    {
        [JsonRequired]
        public string Name { get; set; } = "";
        [JsonRequired]
        public string HostName { get; set; } = "";
        public double? InstantCpuPercent { get; set; }
        public double? SmoothedCpuPercent { get; set; }
        /// <summary>The windows the smoothed figure is made of.</summary>
        public int? Windows { get; set; }
        public DateTime? LastBalancedAt { get; set; }

        public override string ToString() => $"{Name}: CPU {SmoothedCpuPercent:0.#}% (now {InstantCpuPercent:0.#}%)";
    }
}
