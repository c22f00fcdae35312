using VmMigration.Providers;

namespace VmMigration.Execution.Governor
{
    /// <summary>A plan step to run under the <see cref="MigrationGovernor"/>: the step, its guest as found, and how fast it was seen dirtying memory.</summary>
    internal class GovernedStep
    {
        public GovernedStep(MigrationPlanStep step, GuestInfo guest)
        {
            Step = step;
            Guest = guest;
        }

        public MigrationPlanStep Step { get; }
        public GuestInfo Guest { get; }
        public double? MeasuredDirtyRateMBps { get; set; }
        public double DirtyRateMBps => MeasuredDirtyRateMBps ?? 0;

        /// <param name="budgetMBps">the run's shared budget; 0 for none (the move is predicted at 1000 MiB/s)</param>
        /// <param name="shareMBps">the share the move can expect; 0 to predict at the budget</param>
        public double PredictedSec(long budgetMBps, long maxDowntimeMs, long shareMBps = 0) => Predict(budgetMBps, maxDowntimeMs, shareMBps).DurationMs / 1000.0;

        /// <inheritdoc cref="PredictedSec"/>
        public MigrationPrediction Predict(long budgetMBps, long maxDowntimeMs, long shareMBps = 0) =>
            MigrationPrediction.Of(Guest.MemoryMB, DirtyRateMBps, shareMBps > 0 ? shareMBps : budgetMBps, maxDowntimeMs);
    }
}
