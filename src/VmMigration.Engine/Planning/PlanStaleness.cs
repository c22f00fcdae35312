using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// Decides whether a plan still fits the world before anything executes it. Stale means something that matters
    /// changed: a VM in the plan is gone, runs somewhere else than the step's source (a VM already on its destination
    /// counts as done, so a half-run plan can resume), grew, or was started or shut off since; a destination is gone, not in service, or would no longer
    /// hold what the plan sends it. Usage drifting does not make a plan stale.
    /// </summary>
    public static class PlanStaleness
    {
        /// <summary>Every reason the plan is stale, in step order; empty when it may run.</summary>
        public static IReadOnlyList<string> FindReasons(MigrationPlan plan, ClusterInventory current, ClusterRules? rules = null, PlanningOptions? options = null)
        {
            if (plan == null) throw new ArgumentNullException(nameof(plan));
            if (current == null) throw new ArgumentNullException(nameof(current));
            current.Validate();
            rules ??= new ClusterRules();
            options ??= new PlanningOptions();
            var reasons = new List<string>();
            // No shortcut on an equal fingerprint: rules (maintenance, reserves) may have changed while the inventory did not.

            var hosts = current.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
            var vms = current.VMs.ToDictionary(v => v.Name, StringComparer.Ordinal);
            var maintenance = new HashSet<string>(rules.MaintenanceHosts, StringComparer.Ordinal);
            var pending = new List<(MigrationPlanStep Step, InventoryVM VM)>();
            // A staged VM has several steps; where it runs now says which of them are done. The one to run next starts
            // where the VM is; when it is on no step's source it moved elsewhere.
            var stepsOf = plan.Steps.GroupBy(st => st.VMName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var step in plan.Steps)
            {
                if (!vms.TryGetValue(step.VMName, out var vm)) { reasons.Add($"VM '{step.VMName}' no longer exists."); continue; }
                var own = stepsOf[vm.Name];
                bool first = ReferenceEquals(own[0], step);
                if (first && vm.MemoryMB > step.MemoryMB) reasons.Add($"VM '{vm.Name}' grew from {step.MemoryMB} MB to {vm.MemoryMB} MB.");
                int index = own.IndexOf(step);
                int next = vm.HostName == own[own.Count - 1].Destination ? own.Count : own.FindIndex(st => st.Source == vm.HostName);
                if (next == own.Count || (next >= 0 && index < next)) continue;
                if (next < 0 || index == next)
                {
                    if (vm.Stopped != (step.Kind == PlanStepKind.ColdMove))
                    {
                        reasons.Add($"VM '{vm.Name}' was {(vm.Stopped ? "running" : "shut off")} when planned and is {(vm.Stopped ? "shut off" : "running")} now, so its {step.Kind} step no longer fits it.");
                        continue;
                    }
                    if (vm.HostName != step.Source) { reasons.Add($"VM '{vm.Name}' now runs on '{vm.HostName}', not on the step's source '{step.Source}'."); continue; }
                }
                if (!hosts.TryGetValue(step.Destination, out var destination)) { reasons.Add($"Destination '{step.Destination}' of VM '{vm.Name}' no longer exists."); continue; }
                if (destination.State != HostState.Connected || maintenance.Contains(destination.Name))
                {
                    reasons.Add($"Destination '{destination.Name}' of VM '{vm.Name}' is {(destination.State == HostState.Connected ? "in maintenance" : destination.State.ToString().ToLowerInvariant())}.");
                    continue;
                }
                pending.Add((step, vm));
            }

            // The end state of the remaining steps must fit every destination, with reserves, given today's VMs.
            var memory = new Dictionary<string, long>(StringComparer.Ordinal);
            var cpu = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var vm in current.VMs)
            {
                memory[vm.HostName] = (memory.TryGetValue(vm.HostName, out var m) ? m : 0) + vm.MemoryMB;
                cpu[vm.HostName] = (cpu.TryGetValue(vm.HostName, out var c) ? c : 0) + Usable.CpuDemand(vm, options.AssumedCpuUsagePercent);
            }
            foreach (var (step, vm) in pending)
            {
                double demand = Usable.CpuDemand(vm, options.AssumedCpuUsagePercent);
                memory[step.Source] -= vm.MemoryMB; cpu[step.Source] -= demand;
                memory[step.Destination] = (memory.TryGetValue(step.Destination, out var m) ? m : 0) + vm.MemoryMB;
                cpu[step.Destination] = (cpu.TryGetValue(step.Destination, out var c) ? c : 0) + demand;
            }
            foreach (var name in pending.Select(p => p.Step.Destination).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal))
            {
                var host = hosts[name];
                double keep = (100 - rules.ReservePercentFor(name)) / 100.0;
                long usableMemory = Usable.Memory(host.MemoryMB, keep);
                double usableCpu = Usable.Cpu(host.CpuCount, keep);
                if (memory[name] > usableMemory)
                    reasons.Add($"Destination '{name}' would need {memory[name]} MB after the plan but offers {usableMemory} MB after its reserve.");
                else if (cpu[name] > usableCpu + Usable.CpuTolerance)
                    reasons.Add($"Destination '{name}' would need {cpu[name]:0.##} CPUs after the plan but offers {usableCpu:0.##} after its reserve.");
            }
            return reasons;
        }

        /// <summary>Throws PlanIsStale listing what changed, so the user can re-plan (-Replan) or look.</summary>
        public static void ThrowIfStale(MigrationPlan plan, ClusterInventory current, ClusterRules? rules = null, PlanningOptions? options = null)
        {
            var reasons = FindReasons(plan, current, rules, options);
            if (reasons.Count == 0) return;
            throw new MigrationException(ErrorIds.PlanIsStale, ErrorKind.InvalidOperation,
                $"The plan no longer matches the cluster: {string.Join(" ", reasons.Take(5))}" +
                (reasons.Count > 5 ? $" ({reasons.Count - 5} more.)" : "") +
                " Make a new plan with Get-MigrationPlan, or pass -Replan.", plan.Goal.ToString());
        }
    }
}
