using System;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Planning
{
    /// <summary>
    /// A Balance plan names the hosts it balanced in Hosts, as an Evacuate plan names the hosts it drains; with -HostName
    /// it balances only those.
    /// </summary>
    public class BalancePlanHostsTests
    {
        [Fact]
        public void A_balance_plan_of_connected_hosts_names_every_host_it_balanced()
        {
            var cluster = new FakeCluster();
            var registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            foreach (var name in new[] { "lab3", "lab1", "lab2" })
            {
                cluster.AddHost($"fake://{name}", name);
                registry.Connect(new HostUri($"fake://{name}"), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            cluster["fake://lab1"].AddGuest("web1");
            cluster["fake://lab1"].AddGuest("web2");
            var live = LiveInventory.Capture(new Inventory(registry), registry.Hosts, includeStopped: false, CancellationToken.None, out var failures);

            var plan = MigrationPlanner.Plan(live, null, new PlanningOptions { Goal = PlanGoal.Balance });

            Assert.Empty(failures);
            Assert.Equal(new[] { "lab1", "lab2", "lab3" }, plan.Hosts);
        }

        [Fact]
        public void A_host_held_in_maintenance_is_not_among_the_hosts_balanced()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").Host("h3").VM("a", "h1").VM("b", "h1").Build();
            var rules = new ClusterRules { MaintenanceHosts = { "h2" } };

            var plan = MigrationPlanner.Plan(inventory, rules, new PlanningOptions { Goal = PlanGoal.Balance });

            Assert.Equal(new[] { "h1", "h3" }, plan.Hosts);
        }

        [Fact]
        public void With_host_names_only_those_hosts_give_and_take_vms()
        {
            // h1 and h4 are loaded, h2 and h3 empty: balanced as a whole, h4's VMs would go to h3 as h1's go to h2.
            var cluster = new ClusterBuilder().Host("h1").Host("h2").Host("h3").Host("h4");
            for (int i = 0; i < 6; i++) cluster.VM($"a{i}", "h1", memoryMB: 6144).VM($"b{i}", "h4", memoryMB: 6144);
            var inventory = cluster.Build();
            var whole = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance });
            Assert.Contains(whole.Steps, s => s.Source == "h4" || s.Destination == "h3");

            var plan = MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance, HostNames = { "h2", "h1" } });

            Assert.NotEmpty(plan.Steps);
            Assert.All(plan.Steps, s => Assert.Equal(("h1", "h2"), (s.Source, s.Destination)));
            Assert.Equal(new[] { "h1", "h2" }, plan.Hosts);
            Assert.True(plan.ScoreAfter < plan.ScoreBefore, $"{plan.ScoreBefore} -> {plan.ScoreAfter}");
            Assert.Equal(3, PlanAssert.FinalHosts(inventory, plan).Values.Count(h => h == "h2"));
            PlanAssert.NoViolations(inventory, null, plan);
        }

        [Fact]
        public void A_host_name_that_is_not_in_the_inventory_is_HostNotFound()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").VM("a", "h1").Build();

            var error = Assert.Throws<MigrationException>(() =>
                MigrationPlanner.Plan(inventory, null, new PlanningOptions { Goal = PlanGoal.Balance, HostNames = { "h1", "h9" } }));

            Assert.Equal(ErrorIds.HostNotFound, error.ErrorId);
            Assert.Equal("h9", error.Target);
        }
    }
}
