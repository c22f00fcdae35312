using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration;
using VmMigration.Planning;

namespace VmMigration.Tests.Planning
{
    /// <summary>
    /// Replays a plan wave by wave and lists every rule or capacity violation at any moment. Written from the rules'
    /// definitions only, without the planner's code, so the property tests and the benchmark judge the planner
    /// rather than agree with it. Within a wave any subset of steps may have finished, so a host holds, at worst,
    /// everything it had at the wave's start plus everything arriving in the wave.
    /// </summary>
    public static class IndependentPlanChecker
    {
        public static List<string> Violations(ClusterInventory inventory, ClusterRules? rules, MigrationPlan plan, double assumedCpuUsagePercent = 100)
        {
            rules ??= new ClusterRules();
            var problems = new List<string>();
            var hosts = inventory.Hosts.ToDictionary(h => h.Name);
            var vms = inventory.VMs.ToDictionary(v => v.Name);
            var location = inventory.VMs.ToDictionary(v => v.Name, v => v.HostName);
            var initial = new Dictionary<string, string>(location);
            var moved = new HashSet<string>();
            // A plan made with AllowStaging may move a VM twice, never twice in one wave (the second move waits for the first).
            bool stagingAllowed = plan.Options?.AllowStaging == true;

            double Reserve(string host) => rules.HostReserves.FirstOrDefault(r => r.HostName == host)?.ReservePercent ?? rules.DefaultReservePercent;
            long MemoryRoom(string host) => (long)Math.Floor(hosts[host].MemoryMB * (100 - Reserve(host)) / 100.0);
            double CpuRoom(string host) => hosts[host].CpuCount * (100 - Reserve(host)) / 100.0;
            double Cpu(string vm) => vms[vm].VCpuCount * (vms[vm].CpuUsagePercent ?? assumedCpuUsagePercent) / 100.0;
            bool InService(string host) => hosts[host].State == HostState.Connected && !rules.MaintenanceHosts.Contains(host);

            var mustHosts = new Dictionary<string, List<HashSet<string>>>();
            var mustNotHosts = new Dictionary<string, HashSet<string>>();
            foreach (var rule in rules.Rules)
            {
                foreach (var vm in rule.VMs)
                {
                    if (rule.Kind == PlacementRuleKind.MustRunOn)
                    {
                        if (!mustHosts.TryGetValue(vm, out var list)) mustHosts[vm] = list = new List<HashSet<string>>();
                        list.Add(new HashSet<string>(rule.Hosts));
                    }
                    else if (rule.Kind == PlacementRuleKind.MustNotRunOn)
                    {
                        if (!mustNotHosts.TryGetValue(vm, out var set)) mustNotHosts[vm] = set = new HashSet<string>();
                        set.UnionWith(rule.Hosts);
                    }
                }
            }
            var affinityTogetherAtStart = rules.Rules.Where(r => r.Kind == PlacementRuleKind.Affinity)
                .Select(r => (Rule: r, Present: r.VMs.Where(vms.ContainsKey).ToList()))
                .Where(x => x.Present.Select(v => initial[v]).Distinct().Count() == 1)
                .ToList();
            var antiRulesOf = new Dictionary<string, List<PlacementRule>>();
            foreach (var rule in rules.Rules.Where(r => r.Kind == PlacementRuleKind.AntiAffinity))
            {
                foreach (var vm in rule.VMs)
                {
                    if (!antiRulesOf.TryGetValue(vm, out var list)) antiRulesOf[vm] = list = new List<PlacementRule>();
                    list.Add(rule);
                }
            }
            var residents = inventory.VMs.GroupBy(v => v.HostName).ToDictionary(g => g.Key, g => new HashSet<string>(g.Select(v => v.Name)));

            int lastOrder = 0, lastWave = 0;
            foreach (var step in plan.Steps)
            {
                if (step.Order <= lastOrder) problems.Add($"Step {step.Order} is out of order.");
                if (step.Wave < lastWave) problems.Add($"Step {step.Order} goes back to wave {step.Wave}.");
                lastOrder = step.Order; lastWave = step.Wave;
            }

            foreach (var wave in plan.Steps.GroupBy(s => s.Wave).OrderBy(g => g.Key))
            {
                var arriving = new Dictionary<string, List<string>>();
                var movingInWave = new HashSet<string>();
                foreach (var step in wave)
                {
                    if (!vms.ContainsKey(step.VMName)) { problems.Add($"Step {step.Order} moves unknown VM {step.VMName}."); continue; }
                    if (!hosts.ContainsKey(step.Destination)) { problems.Add($"Step {step.Order} goes to unknown host {step.Destination}."); continue; }
                    if (!movingInWave.Add(step.VMName)) problems.Add($"VM {step.VMName} moves twice in wave {wave.Key}.");
                    else if (!moved.Add(step.VMName) && !stagingAllowed) problems.Add($"VM {step.VMName} moves twice.");
                    if (location[step.VMName] != step.Source) problems.Add($"Step {step.Order}: {step.VMName} is on {location[step.VMName]}, not {step.Source}.");
                    if (step.Source == step.Destination) problems.Add($"Step {step.Order} goes nowhere.");
                    if (!InService(step.Destination)) problems.Add($"Step {step.Order} goes to {step.Destination}, which is not in service.");
                    if (plan.Goal == PlanGoal.Evacuate && plan.Hosts.Contains(step.Destination)) problems.Add($"Step {step.Order} goes to {step.Destination}, which is being evacuated.");
                    if (mustHosts.TryGetValue(step.VMName, out var musts) && musts.Any(m => !m.Contains(step.Destination)))
                        problems.Add($"Step {step.Order} breaks MustRunOn: {step.VMName} to {step.Destination}.");
                    if (mustNotHosts.TryGetValue(step.VMName, out var nots) && nots.Contains(step.Destination))
                        problems.Add($"Step {step.Order} breaks MustNotRunOn: {step.VMName} to {step.Destination}.");
                    if (!arriving.TryGetValue(step.Destination, out var list)) arriving[step.Destination] = list = new List<string>();
                    list.Add(step.VMName);
                }

                // Worst moment of the wave: nothing has left yet, everything has arrived. Only hosts with arrivals can
                // newly break a rule or a capacity; an earlier arrival that clashes was already seen in its own wave.
                foreach (var pair in arriving)
                {
                    var set = new HashSet<string>(residents.TryGetValue(pair.Key, out var here) ? here : new HashSet<string>());
                    set.UnionWith(pair.Value);
                    long memory = set.Sum(v => vms[v].MemoryMB);
                    double cpu = set.Sum(Cpu);
                    if (memory > MemoryRoom(pair.Key)) problems.Add($"Wave {wave.Key}: {pair.Key} needs {memory} MB at worst, has {MemoryRoom(pair.Key)} MB after reserve.");
                    if (cpu > CpuRoom(pair.Key) + 1e-6) problems.Add($"Wave {wave.Key}: {pair.Key} needs {cpu:0.###} CPUs at worst, has {CpuRoom(pair.Key):0.###} after reserve.");
                    foreach (var vm in pair.Value)
                    {
                        if (!antiRulesOf.TryGetValue(vm, out var rulesOfVm)) continue;
                        foreach (var rule in rulesOfVm)
                        {
                            var clash = rule.VMs.Where(other => other != vm && set.Contains(other)).ToList();
                            if (clash.Count > 0)
                                problems.Add($"Wave {wave.Key}: anti-affinity rule '{rule.Name}' has {vm} and {string.Join(", ", clash)} on {pair.Key} at once.");
                        }
                    }
                }

                foreach (var step in wave)
                {
                    if (!vms.ContainsKey(step.VMName) || !hosts.ContainsKey(step.Destination)) continue;
                    residents[location[step.VMName]].Remove(step.VMName);
                    if (!residents.TryGetValue(step.Destination, out var there)) residents[step.Destination] = there = new HashSet<string>();
                    there.Add(step.VMName);
                }
                foreach (var step in wave) if (vms.ContainsKey(step.VMName) && hosts.ContainsKey(step.Destination)) location[step.VMName] = step.Destination;
                foreach (var (rule, members) in affinityTogetherAtStart.Where(a => a.Present.Any(v => wave.Any(s => s.VMName == v))))
                {
                    if (members.Select(v => location[v]).Distinct().Count() > 1)
                        problems.Add($"After wave {wave.Key}: affinity rule '{rule.Name}' has its VMs on different hosts.");
                }
            }
            return problems;
        }
    }
}
