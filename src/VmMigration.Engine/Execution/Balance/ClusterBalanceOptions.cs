using System;
using System.Collections.Generic;
using VmMigration.Planning;

namespace VmMigration.Execution.Balance
{
    /// <summary>How one balancing run plans and moves (Invoke-ClusterBalance); the planning figures mean what they mean in <see cref="PlanningOptions"/>.</summary>
    public sealed class ClusterBalanceOptions
    {
        /// <summary>Balance only these hosts (they alone give and take VMs); all when empty.</summary>
        public List<string> HostNames { get; set; } = new List<string>();
        public ClusterRules? Rules { get; set; }
        public double Threshold { get; set; } = 0.1;
        public double TargetScore { get; set; } = 0.05;
        public int MaxMoves { get; set; } = 4;
        public int CooldownMinutes { get; set; } = PlanningOptions.DefaultCooldownMinutes;
        public double MinImprovement { get; set; } = 4;
        /// <summary>How long CPU use is measured before planning.</summary>
        public TimeSpan SampleWindow { get; set; } = TimeSpan.FromSeconds(10);
        /// <summary>Bandwidth shared by the moves in flight; 0: no shared budget (each move unlimited, predicted at <see cref="PredictionBandwidthMBps"/>).</summary>
        public long BandwidthMBps { get; set; }
        /// <summary>What a move is predicted at without a budget: QEMU's default, so the cost-benefit errs on the costly side.</summary>
        public const double PredictionBandwidthMBps = 128;
        public long MaxDowntimeMs { get; set; } = 300;
        public bool AllowPostCopy { get; set; }
        /// <summary>Whether the moves go over TLS (see <see cref="LiveMigrationRequest.Encryption"/>).</summary>
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;
        /// <summary>The network (CIDR) every move's data stream must cross (see <see cref="LiveMigrationRequest.MigrationNetwork"/>); null: each destination's own address.</summary>
        public string? MigrationNetwork { get; set; }
        /// <summary>How long to wait while another run holds hosts this run needs (Session.RunHold); zero: stop at once.</summary>
        public TimeSpan WaitForHolds { get; set; }
        public int MaxConcurrent { get; set; } = 4;
        public int MaxConcurrentPerHost { get; set; } = 2;
        public TimeSpan MoveTimeout { get; set; } = TimeSpan.FromMinutes(10);
        /// <summary>Who the balance records name as having moved a VM: this machine, by default.</summary>
        public string Runner { get; set; } = Environment.MachineName;

        /// <summary>The planner's options for this run.</summary>
        public PlanningOptions ToPlanningOptions() => new PlanningOptions
        {
            Goal = PlanGoal.Balance,
            HostNames = new List<string>(HostNames),
            MaxMoves = MaxMoves,
            TargetScore = TargetScore,
            Threshold = Threshold,
            MinImprovement = MinImprovement,
            CooldownMinutes = CooldownMinutes,
            BandwidthMBps = BandwidthMBps > 0 ? BandwidthMBps : PredictionBandwidthMBps,
            MaxDowntimeMs = MaxDowntimeMs,
        };
    }
}
