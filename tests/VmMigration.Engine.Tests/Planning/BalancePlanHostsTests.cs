using System;
using System.Threading;
using VmMigration.Planning;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Planning
{
    /// <summary>A Balance plan names the hosts it balanced in Hosts, as an Evacuate plan names the hosts it drains.</summary>
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
    }
}
