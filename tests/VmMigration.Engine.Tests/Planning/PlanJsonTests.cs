using System;
using System.IO;
using System.Linq;
using VmMigration.Planning;
using Xunit;
using static VmMigration.Tests.Planning.ClusterBuilder;
using VmMigration.Errors;

namespace VmMigration.Tests.Planning
{
    public class PlanJsonTests
    {
        private static ClusterInventory Inventory()
        {
            var cluster = new ClusterBuilder().Host("h1").Host("h2").Host("h3", cpus: 8, memoryMB: 32768);
            for (int i = 0; i < 10; i++) cluster.VM($"vm{i:00}", "h1", memoryMB: 2048 + 1024 * (i % 4), vcpus: 1 + i % 3, cpuPercent: 10 + 7 * i, dirtyRateMBps: i * 3.3);
            return cluster.Build();
        }

        private static readonly ClusterRules SomeRules = Rules(
            Rule("pair", PlacementRuleKind.Affinity, new[] { "vm01", "vm02" }),
            Rule("apart", PlacementRuleKind.AntiAffinity, new[] { "vm03", "vm04" }));

        [Fact]
        public void Export_then_import_round_trips_byte_for_byte()
        {
            var plan = MigrationPlanner.Plan(Inventory(), SomeRules, new PlanningOptions());
            Assert.NotEmpty(plan.Steps);
            var json = PlanJson.Serialize(plan);
            var read = PlanJson.Parse(json);
            Assert.Equal(json, PlanJson.Serialize(read));
            Assert.Equal(plan.Steps[0].Reason.Text, read.Steps[0].Reason.Text);
            Assert.Equal(plan.CreatedAt, read.CreatedAt);
            Assert.Equal(plan.ScoreAfter, read.ScoreAfter);

            var path = Path.GetTempFileName();
            try
            {
                PlanJson.Write(path, plan);
                Assert.Equal(json, PlanJson.Serialize(PlanJson.Read(path)));
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void The_same_inventory_and_options_give_the_same_bytes_whatever_the_input_order()
        {
            var first = PlanJson.Serialize(MigrationPlanner.Plan(Inventory(), SomeRules, new PlanningOptions()));
            var shuffled = Inventory();
            shuffled.VMs.Reverse();
            shuffled.Hosts.Reverse();
            var second = PlanJson.Serialize(MigrationPlanner.Plan(shuffled, SomeRules, new PlanningOptions()));
            Assert.Equal(first, second);
        }

        [Fact]
        public void CreatedAt_is_the_snapshot_time_unless_given()
        {
            var plan = MigrationPlanner.Plan(Inventory(), null, new PlanningOptions());
            Assert.Equal(ClusterBuilder.SnapshotTime, plan.CreatedAt);
            var given = new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);
            Assert.Equal(given, MigrationPlanner.Plan(Inventory(), null, new PlanningOptions { CreatedAt = given }).CreatedAt);
            Assert.Contains("\"CreatedAt\": \"2026-01-31T12:00:00Z\"", PlanJson.Serialize(plan));
        }

        [Fact]
        public void Plan_JSON_is_readable_with_names_not_numbers()
        {
            var json = PlanJson.Serialize(MigrationPlanner.Plan(Inventory(), null, new PlanningOptions()));
            Assert.Contains("\"Goal\": \"Balance\"", json);
            Assert.Contains("\"Code\": \"Balance\"", json);
            Assert.Contains("\n    {\n", json);
        }

        [Fact]
        public void Broken_JSON_names_the_line()
        {
            var json = PlanJson.Serialize(MigrationPlanner.Plan(Inventory(), null, new PlanningOptions()));
            var lines = json.Split('\n');
            int broken = Array.FindIndex(lines, l => l.Contains("\"Wave\""));
            lines[broken] = lines[broken].Replace(",", ",,");
            var error = PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(string.Join("\n", lines)));
            Assert.Contains($"line {broken + 1}", error.Message);
        }

        [Fact]
        public void A_wrong_type_names_the_field()
        {
            var json = PlanJson.Serialize(MigrationPlanner.Plan(Inventory(), null, new PlanningOptions()));
            var error = PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(json.Replace("\"Wave\": 1,", "\"Wave\": \"first\",")));
            Assert.Contains("$.Steps[0].Wave", error.Message);
        }

        [Fact]
        public void A_missing_VM_name_or_twice_moved_VM_names_the_field()
        {
            var plan = MigrationPlanner.Plan(Inventory(), null, new PlanningOptions());
            plan.Steps[1].VMName = "";
            Assert.Contains("Steps[1].VMName", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(plan))).Message);
            plan.Steps[1].VMName = plan.Steps[0].VMName;
            Assert.Contains("moved twice", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(plan))).Message);
        }

        [Fact]
        public void A_staged_plan_reads_back_and_a_second_move_must_follow_the_first()
        {
            MigrationPlan Staged(bool allowStaging, string secondSource, int secondWave) => new MigrationPlan
            {
                Goal = PlanGoal.Balance,
                InventoryFingerprint = "sha256:0",
                Options = new PlanningOptions { AllowStaging = allowStaging },
                Steps =
                {
                    new MigrationPlanStep { Order = 1, Wave = 1, VMName = "v", Source = "h1", Destination = "h3", MemoryMB = 1024, Reason = new PlanReason { Code = "Balance", Text = "parks" } },
                    new MigrationPlanStep { Order = 2, Wave = 2, VMName = "w", Source = "h2", Destination = "h1", MemoryMB = 1024, Reason = new PlanReason { Code = "Balance", Text = "takes its place" } },
                    new MigrationPlanStep { Order = 3, Wave = secondWave, VMName = "v", Source = secondSource, Destination = "h2", MemoryMB = 1024, Reason = new PlanReason { Code = "Balance", Text = "goes on" } },
                },
            };

            var json = PlanJson.Serialize(Staged(true, "h3", 3));
            Assert.Equal(json, PlanJson.Serialize(PlanJson.Parse(json)));
            Assert.Contains("moved twice", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(Staged(false, "h3", 3)))).Message);
            Assert.Contains("Steps[2].Source", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(Staged(true, "h1", 3)))).Message);
            Assert.Contains("Steps[2].Wave", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(Staged(true, "h3", 1)))).Message);
        }

        [Fact]
        public void Options_that_replanning_would_use_are_checked_and_a_bad_one_names_its_field()
        {
            var plan = MigrationPlanner.Plan(Inventory(), null, new PlanningOptions());
            Assert.Equal(PlanGoal.Balance, PlanJson.Parse(PlanJson.Serialize(plan)).Options!.Goal);
            plan.Options!.MaxMoves = 0;
            Assert.Contains("Options.MaxMoves", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(plan))).Message);
            plan.Options.MaxMoves = 5;
            plan.Options.Goal = PlanGoal.Consolidate;
            Assert.Contains("Options.Goal", PlanAssert.Throws(ErrorIds.InvalidPlan, () => PlanJson.Parse(PlanJson.Serialize(plan))).Message);
            plan.Options = null;
            Assert.Null(PlanJson.Parse(PlanJson.Serialize(plan)).Options);   // a plan written before options were kept still reads
        }

        [Fact]
        public void Steps_carry_predictions_from_the_convergence_model()
        {
            var plan = MigrationPlanner.Plan(Inventory(), null, new PlanningOptions { BandwidthMBps = 100 });
            var model = new ConvergenceModel(100);
            var inventory = Inventory();
            foreach (var step in plan.Steps)
            {
                var vm = inventory.VMs.Single(v => v.Name == step.VMName);
                var expected = model.Predict(vm.MemoryMB, vm.DirtyRateMBps ?? 0);
                Assert.Equal(Math.Round(expected.DurationSec, 3), step.PredictedDurationSec);
                Assert.Equal((long)Math.Ceiling(expected.DowntimeMs), step.PredictedDowntimeMs);
            }
            Assert.Equal(plan.PredictedDurationSec, Math.Round(plan.Steps.GroupBy(s => s.Wave).Sum(w => w.Max(s => s.PredictedDurationSec)), 3));
        }
    }
}
