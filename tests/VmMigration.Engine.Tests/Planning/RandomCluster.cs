using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Planning;

namespace VmMigration.Tests.Planning
{
    /// <summary>Small random clusters with every rule kind, tight capacity and some hosts in maintenance, from one seed.</summary>
    internal static class RandomCluster
    {
        public static (ClusterInventory Inventory, ClusterRules Rules, PlanningOptions Options) Create(int seed)
        {
            var random = new Random(seed);
            var builder = new ClusterBuilder();
            int hostCount = random.Next(2, 9);
            var hosts = new List<(string Name, long Memory, int Cpus)>();
            for (int h = 0; h < hostCount; h++)
            {
                var state = random.Next(10) == 0 ? HostState.Maintenance : HostState.Connected;
                var host = ($"h{h}", 1024L * random.Next(8, 65), random.Next(4, 33));
                hosts.Add(host);
                builder.Host(host.Item1, host.Item3, host.Item2, state);
            }
            var usedMemory = new long[hostCount];
            var usedCpu = new double[hostCount];
            int vmCount = random.Next(0, 40);
            var vms = new List<string>();
            for (int v = 0; v < vmCount; v++)
            {
                long memory = 512L * random.Next(1, 17);
                int vcpus = random.Next(1, 5);
                double cpuPercent = random.Next(5, 101);
                int start = random.Next(hostCount);
                for (int k = 0; k < hostCount; k++)
                {
                    int h = (start + k) % hostCount;
                    if (usedMemory[h] + memory > hosts[h].Memory || usedCpu[h] + vcpus * cpuPercent / 100 > hosts[h].Cpus) continue;
                    usedMemory[h] += memory;
                    usedCpu[h] += vcpus * cpuPercent / 100;
                    string name = $"vm{v:00}";
                    builder.VM(name, hosts[h].Name, memory, vcpus, cpuPercent, random.Next(3) == 0 ? random.Next(0, 200) : (double?)null);
                    vms.Add(name);
                    break;
                }
            }

            var rules = new ClusterRules { DefaultReservePercent = random.Next(0, 4) * 5 };
            if (random.Next(3) == 0) rules.HostReserves.Add(new HostReserve { HostName = hosts[random.Next(hostCount)].Name, ReservePercent = random.Next(0, 50) });
            if (random.Next(6) == 0) rules.MaintenanceHosts.Add(hosts[random.Next(hostCount)].Name);
            List<string> PickVMs(int count) => vms.OrderBy(_ => random.Next()).Take(count).ToList();
            List<string> PickHosts() => hosts.Select(h => h.Name).Where(_ => random.Next(2) == 0).DefaultIfEmpty(hosts[0].Name).ToList();
            if (vms.Count >= 2)
            {
                int ruleCount = random.Next(0, 6);
                for (int i = 0; i < ruleCount; i++)
                {
                    var kind = (PlacementRuleKind)random.Next(5);
                    bool vmToVm = kind == PlacementRuleKind.Affinity || kind == PlacementRuleKind.AntiAffinity;
                    rules.Rules.Add(new PlacementRule
                    {
                        Name = $"r{i}-{kind}",
                        Kind = kind,
                        VMs = PickVMs(vmToVm ? random.Next(2, 4) : random.Next(1, 4)),
                        Hosts = vmToVm ? new List<string>() : PickHosts(),
                    });
                }
            }

            var goal = (PlanGoal)random.Next(3);
            var options = new PlanningOptions
            {
                Goal = goal,
                MaxMigrationsPerHostPerWave = random.Next(1, 4),
                MaxMoves = random.Next(4) == 0 ? random.Next(0, 6) : int.MaxValue,
                TargetScore = random.Next(2) == 0 ? 0 : 0.05,
            };
            if (goal == PlanGoal.Evacuate) options.HostNames = hosts.Select(h => h.Name).Where(_ => random.Next(3) == 0).DefaultIfEmpty(hosts[0].Name).ToList();
            if (goal != PlanGoal.Evacuate && random.Next(3) == 0) options.HostNames = PickHosts();
            return (builder.Build(), rules, options);
        }
    }
}
