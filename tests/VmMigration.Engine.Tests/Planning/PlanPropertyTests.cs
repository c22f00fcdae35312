using System.Linq;
using CsCheck;
using VmMigration.Errors;
using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Planning
{
    /// <summary>Random clusters, every goal and rule kind: no plan ever breaks a rule or a capacity at any moment.</summary>
    public class PlanPropertyTests
    {
        private static readonly string[] RefusalsThatAreFine = { ErrorIds.RuleConflict, ErrorIds.CannotEvacuateAllHosts };

        private static MigrationPlan? PlanOrRefusal(ClusterInventory inventory, ClusterRules rules, PlanningOptions options)
        {
            try { return MigrationPlanner.Plan(inventory, rules, options); }
            catch (MigrationException e) when (RefusalsThatAreFine.Contains(e.ErrorId)) { return null; }
        }

        [Fact]
        public void No_plan_violates_a_rule_or_capacity_in_any_wave()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                var plan = PlanOrRefusal(inventory, rules, options);
                if (plan == null) return;
                var problems = IndependentPlanChecker.Violations(inventory, rules, plan);
                Assert.True(problems.Count == 0, $"seed {seed} {options.Goal}: " + string.Join("\n", problems));
                Assert.True(plan.Steps.Count <= options.MaxMoves, $"seed {seed}: {plan.Steps.Count} steps over MaxMoves {options.MaxMoves}");
            }, iter: 1500);
        }

        [Fact]
        public void Staged_plans_violate_no_rule_or_capacity_in_any_wave()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                options.AllowStaging = true;
                var plan = PlanOrRefusal(inventory, rules, options);
                if (plan == null) return;
                var problems = IndependentPlanChecker.Violations(inventory, rules, plan);
                Assert.True(problems.Count == 0, $"seed {seed} {options.Goal}: " + string.Join("\n", problems));
                Assert.True(plan.Steps.Count <= options.MaxMoves, $"seed {seed}: {plan.Steps.Count} steps over MaxMoves {options.MaxMoves}");
                Assert.All(plan.Steps.GroupBy(s => s.VMName), moves => Assert.True(moves.Count() <= 2, $"seed {seed}: {moves.Key} moves {moves.Count()} times"));
            }, iter: 1000);
        }

        [Fact]
        public void Evacuation_accounts_for_every_VM_on_the_named_hosts()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                options.Goal = PlanGoal.Evacuate;
                if (options.HostNames.Count == 0) options.HostNames.Add("h0");
                var plan = PlanOrRefusal(inventory, rules, options);
                if (plan == null) return;
                // Make-room steps move VMs of the remaining hosts; every other step and every unplaced VM is one of the evacuated.
                var makeRoom = plan.Steps.Where(s => s.Reason.Code == PlanReasonCodes.MakeRoom).ToList();
                var accounted = plan.Steps.Except(makeRoom).Select(s => s.VMName).Concat(plan.Unplaced.Select(u => u.VMName)).ToList();
                var onEvacuated = inventory.VMs.Where(v => options.HostNames.Contains(v.HostName)).Select(v => v.Name).OrderBy(n => n).ToList();
                Assert.Equal(onEvacuated, accounted.OrderBy(n => n).ToList());
                Assert.All(makeRoom, s =>
                {
                    Assert.DoesNotContain(s.VMName, onEvacuated);
                    Assert.DoesNotContain(s.Source, options.HostNames);
                    Assert.DoesNotContain(s.Destination, options.HostNames);
                });
            }, iter: 500);
        }

        [Fact]
        public void Balance_of_named_hosts_moves_vms_only_among_them()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                var random = new System.Random(seed);
                options.Goal = PlanGoal.Balance;
                options.HostNames = inventory.Hosts.Select(h => h.Name).Where(_ => random.Next(2) == 0).DefaultIfEmpty(inventory.Hosts[0].Name).ToList();
                var plan = PlanOrRefusal(inventory, rules, options);
                if (plan == null) return;
                Assert.All(plan.Steps, s => Assert.True(options.HostNames.Contains(s.Source) && options.HostNames.Contains(s.Destination),
                    $"seed {seed}: {s.VMName} {s.Source} -> {s.Destination} outside {string.Join(", ", options.HostNames)}"));
                Assert.All(plan.Hosts, h => Assert.Contains(h, options.HostNames));
            }, iter: 500);
        }

        [Fact]
        public void Consolidation_leaves_the_hosts_it_names_empty()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                options.Goal = PlanGoal.Consolidate;
                var plan = PlanOrRefusal(inventory, rules, options);
                if (plan == null) return;
                var final = PlanAssert.FinalHosts(inventory, plan);
                Assert.All(plan.Hosts, freed => Assert.DoesNotContain(freed, final.Values));
            }, iter: 500);
        }

        [Fact]
        public void Planning_twice_gives_the_same_bytes()
        {
            Gen.Int[0, int.MaxValue].Sample(seed =>
            {
                var (inventory, rules, options) = RandomCluster.Create(seed);
                var first = PlanOrRefusal(inventory, rules, options);
                if (first == null) return;
                Assert.Equal(PlanJson.Serialize(first), PlanJson.Serialize(MigrationPlanner.Plan(InventoryJson.Parse(InventoryJson.Serialize(inventory)), rules, options)));
            }, iter: 200);
        }
    }
}
