using System;
using System.Collections.Generic;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// Plan files: the same JSON ConvertTo-Json would show (property names as on the objects), written deterministically
    /// so the same plan is the same bytes, and read back losslessly with errors that name the line or field.
    /// </summary>
    public static class PlanJson
    {
        public static string Serialize(MigrationPlan plan)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            return PlanningJson.Serialize(plan);
        }

        private const string What = "plan";

        public static MigrationPlan Parse(string json) => PlanningJson.Parse<MigrationPlan>(json, ErrorIds.InvalidPlan, What, Validate);

        public static MigrationPlan Read(string path) => PlanningJson.Read<MigrationPlan>(path, ErrorIds.InvalidPlan, What, Validate);

        public static void Write(string path, MigrationPlan plan) => PlanningJson.WriteFile(path, Serialize(plan));

        /// <summary>What an executor relies on: every step names a VM and two different hosts, orders are 1..n, waves never go back.</summary>
        private static void Validate(MigrationPlan plan)
        {
            if (plan.Steps == null) throw Invalid("Steps", "is missing.");
            if (plan.Unplaced == null) throw Invalid("Unplaced", "is missing.");
            if (plan.Hosts == null) throw Invalid("Hosts", "is missing.");
            if (string.IsNullOrEmpty(plan.InventoryFingerprint)) throw Invalid("InventoryFingerprint", "is empty; without it the plan cannot be checked for staleness.");
            // A plan made with AllowStaging may move a VM twice: the second move starts where the first ended, in a later wave.
            bool staging = plan.Options?.AllowStaging == true;
            var earlier = new Dictionary<string, (MigrationPlanStep Step, int Moves)>(StringComparer.Ordinal);
            int lastWave = 1;
            for (int i = 0; i < plan.Steps.Count; i++)
            {
                var step = plan.Steps[i];
                string at = $"Steps[{i}]";
                if (step == null) throw Invalid(at, "is null.");
                if (string.IsNullOrEmpty(step.VMName)) throw Invalid(at + ".VMName", "is empty.");
                if (string.IsNullOrEmpty(step.Source)) throw Invalid(at + ".Source", "is empty.");
                if (string.IsNullOrEmpty(step.Destination)) throw Invalid(at + ".Destination", "is empty.");
                if (step.Source == step.Destination) throw Invalid(at + ".Destination", $"equals the source '{step.Source}'.");
                if (step.Order != i + 1) throw Invalid(at + ".Order", $"is {step.Order}; steps must be numbered 1, 2, 3... in order.");
                if (step.Wave < lastWave) throw Invalid(at + ".Wave", $"is {step.Wave}, before the previous step's wave {lastWave}.");
                if (step.MemoryMB <= 0) throw Invalid(at + ".MemoryMB", "must be positive.");
                if (earlier.TryGetValue(step.VMName, out var before))
                {
                    if (!staging || before.Moves >= 2) throw Invalid(at + ".VMName", $"'{step.VMName}' is moved {(staging ? "three times" : "twice")}.");
                    if (before.Step.Destination != step.Source) throw Invalid(at + ".Source", $"is '{step.Source}', but the step before it moves '{step.VMName}' to '{before.Step.Destination}'.");
                    if (before.Step.Wave >= step.Wave) throw Invalid(at + ".Wave", $"is {step.Wave}, not after the wave of the move of '{step.VMName}' before it ({before.Step.Wave}).");
                }
                earlier[step.VMName] = (step, before.Moves + 1);
                if (step.Reason == null) throw Invalid(at + ".Reason", "is missing.");
                lastWave = step.Wave;
            }
            if (plan.Options is PlanningOptions options)
            {
                // -Replan plans with these: the limits Get-MigrationPlan would have refused are refused here too.
                if (options.Goal != plan.Goal) throw Invalid("Options.Goal", $"is {options.Goal}, but the plan's goal is {plan.Goal}.");
                if (options.HostNames == null) throw Invalid("Options.HostNames", "is missing.");
                if (options.MaxMoves < 1) throw Invalid("Options.MaxMoves", "must be at least 1.");
                if (!(options.TargetScore >= 0 && options.TargetScore <= 1)) throw Invalid("Options.TargetScore", "must be between 0 and 1.");
                if (!(options.BandwidthMBps >= 1)) throw Invalid("Options.BandwidthMBps", "must be at least 1.");
                if (!(options.MaxDowntimeMs >= 1)) throw Invalid("Options.MaxDowntimeMs", "must be at least 1.");
                if (options.MaxMigrationsPerHostPerWave < 1) throw Invalid("Options.MaxMigrationsPerHostPerWave", "must be at least 1.");
                if (!(options.AssumedCpuUsagePercent >= 0) || !(options.AssumedDirtyRateMBps >= 0) || !(options.MinScoreImprovement >= 0))
                    throw Invalid("Options", "has a negative assumption (AssumedCpuUsagePercent, AssumedDirtyRateMBps or MinScoreImprovement).");
            }
        }

        private static MigrationException Invalid(string field, string problem) =>
            new MigrationException(ErrorIds.InvalidPlan, ErrorKind.InvalidData, $"The plan is invalid: {field} {problem}", field);
    }
}
