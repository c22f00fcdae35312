using System;
using System.Collections.Generic;
using System.Linq;
using Google.OrTools.Sat;
using VmMigration;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// The optimum (or the best CP-SAT finds in its time limit, with its bound) of the final placement: same capacities,
    /// reserves and rules, affinity groups as one unit. It ignores how to get there (waves), so it is a bound for a
    /// staged plan, not a plan. Loads are scaled to integers (per mille of capacity) for the solver; the reported score
    /// is recomputed from its placement with the planner's own metric.
    /// </summary>
    internal sealed class CpSatReference
    {
        public string Status = "";
        public double? ScoreBound;
        public int? FreedBound;
        /// <summary>Fewest-left evacuation: the VMs its placement leaves on the evacuated hosts, and the bound on them.</summary>
        public int? Left;
        public int? LeftBound;
        /// <summary>Where the placement puts each group that moves (group index to host), for replaying it one move at a time.</summary>
        public readonly Dictionary<int, string> Targets = new();

        /// <summary>
        /// Evacuate with every VM free to move: the placement that leaves the fewest VMs on the evacuated hosts, then
        /// moves the fewest VMs. It says what exists, not how to get there: <see cref="RunnableReplay"/> says how much of
        /// it runs one move at a time.
        /// </summary>
        public static CpSatReference SolveFewestLeft(BenchClusterState state, IReadOnlyCollection<string> evacuated, double timeLimitSec) =>
            Solve(state, PlanGoal.Evacuate, 0, evacuated, timeLimitSec, fewestLeft: true);

        /// <param name="startFrom">Where each group starts the search (group index to host), for example another plan's
        /// placement; groups not listed, or without one, start where they are today.</param>
        public static CpSatReference Solve(BenchClusterState state, PlanGoal goal, int moveBudget, IReadOnlyCollection<string> evacuated, double timeLimitSec,
            IReadOnlyDictionary<int, string>? startFrom = null) =>
            Solve(state, goal, moveBudget, evacuated, timeLimitSec, fewestLeft: false, startFrom);

        private static CpSatReference Solve(BenchClusterState state, PlanGoal goal, int moveBudget, IReadOnlyCollection<string> evacuated, double timeLimitSec, bool fewestLeft,
            IReadOnlyDictionary<int, string>? startFrom = null)
        {
            string? Start(int g) => startFrom != null && startFrom.TryGetValue(g, out var h) ? h : state.GroupHost(g);
            var result = new CpSatReference();
            var model = new CpModel();
            var hosts = state.HostNames.Where(h => state.InService[h] && !(goal == PlanGoal.Evacuate && evacuated.Contains(h))).ToList();
            var hostCapacity = state.Inventory.Hosts.ToDictionary(h => h.Name);
            var vars = new Dictionary<(int, string), BoolVar>();
            var fixedMemory = hosts.ToDictionary(h => h, _ => 0L);
            var fixedCpu = hosts.ToDictionary(h => h, _ => 0L);
            var movedTerms = LinearExpr.NewBuilder();
            var leftTerms = LinearExpr.NewBuilder();
            var movable = new List<int>();
            var isMovable = new HashSet<int>();

            for (int g = 0; g < state.Groups.Count; g++)
            {
                var home = state.GroupHost(g);
                bool mayMove = home != null && (goal != PlanGoal.Evacuate || evacuated.Contains(home) || (fewestLeft && state.InService[home]));
                if (!mayMove)
                {
                    foreach (var vm in state.Groups[g])
                    {
                        var at = state.Location[vm];
                        if (!fixedMemory.ContainsKey(at)) continue;
                        fixedMemory[at] += state.VMs[vm].MemoryMB;
                        fixedCpu[at] += (long)Math.Round(state.Cpu(vm) * 1000);
                    }
                    continue;
                }
                var options = new List<BoolVar>();
                foreach (var h in hosts)
                {
                    if (h != home && !state.Groups[g].All(vm => state.Allowed(vm, h))) continue;
                    var x = model.NewBoolVar($"x{g}_{h}");
                    vars[(g, h)] = x;
                    options.Add(x);
                    if (h != home) movedTerms.AddTerm(x, state.Groups[g].Count);
                }
                if (fewestLeft && evacuated.Contains(home!))
                {
                    var stay = model.NewBoolVar($"stay{g}");
                    options.Add(stay);
                    leftTerms.AddTerm(stay, state.Groups[g].Count);
                }
                if (options.Count == 0) { result.Status = "INFEASIBLE (a VM has no allowed host)"; return result; }
                model.AddExactlyOne(options);
                movable.Add(g);
                isMovable.Add(g);
            }

            foreach (var h in hosts)
            {
                var memory = LinearExpr.NewBuilder();
                var cpu = LinearExpr.NewBuilder();
                foreach (int g in movable)
                {
                    if (!vars.TryGetValue((g, h), out var x)) continue;
                    memory.AddTerm(x, state.GroupMemory(g));
                    cpu.AddTerm(x, (long)Math.Round(state.GroupCpu(g) * 1000));
                }
                model.Add(memory <= Math.Max(state.MemoryRoom[h], fixedMemory[h]) - fixedMemory[h]);
                model.Add(cpu <= Math.Max((long)Math.Floor(state.CpuRoom[h] * 1000), fixedCpu[h]) - fixedCpu[h]);
            }
            foreach (var rule in state.Rules.Rules.Where(r => r.Kind == VmMigration.Planning.PlacementRuleKind.AntiAffinity))
            {
                var groups = rule.VMs.Where(state.VMs.ContainsKey).Select(v => state.GroupOf[v]).Distinct().ToList();
                foreach (var h in hosts)
                {
                    var present = LinearExpr.NewBuilder();
                    long fixedCount = 0;
                    foreach (int g in groups)
                    {
                        if (vars.TryGetValue((g, h), out var x)) present.Add(x);
                        else if (!isMovable.Contains(g) && state.Groups[g].Any(v => state.Location[v] == h)) fixedCount++;
                    }
                    if (fixedCount <= 1) model.Add(present <= 1 - fixedCount);
                }
            }

            if (fewestLeft)
            {
                model.Minimize((LinearExpr)leftTerms * (state.VMs.Count + 1) + movedTerms);
            }
            else if (goal == PlanGoal.Consolidate)
            {
                var freed = LinearExpr.NewBuilder();
                foreach (var h in hosts)
                {
                    var used = model.NewBoolVar($"used_{h}");
                    foreach (int g in movable) if (vars.TryGetValue((g, h), out var x)) model.AddImplication(x, used);
                    if (fixedMemory[h] > 0) model.Add(used == 1);
                    freed.Add(1 - (LinearExpr)used);
                }
                long weight = state.VMs.Count + 1;
                model.Maximize((LinearExpr)freed * weight - movedTerms);
            }
            else
            {
                if (goal == PlanGoal.Balance) model.Add(movedTerms <= moveBudget);
                var objective = LinearExpr.NewBuilder();
                int n = hosts.Count;
                foreach (bool isCpu in new[] { true, false })
                {
                    var total = LinearExpr.NewBuilder();
                    var squares = LinearExpr.NewBuilder();
                    long totalToday = 0;
                    foreach (var h in hosts)
                    {
                        double capacity = isCpu ? hostCapacity[h].CpuCount * 1000.0 : hostCapacity[h].MemoryMB;
                        var load = LinearExpr.NewBuilder();
                        long fixedLoad = (long)Math.Round(1000.0 * (isCpu ? fixedCpu[h] : fixedMemory[h]) / capacity);
                        load.Add(fixedLoad);
                        long today = fixedLoad;
                        foreach (int g in movable)
                        {
                            if (!vars.TryGetValue((g, h), out var x)) continue;
                            double demand = isCpu ? state.GroupCpu(g) * 1000 : state.GroupMemory(g);
                            long term = (long)Math.Round(1000.0 * demand / capacity);
                            load.AddTerm(x, term);
                            if (Start(g) == h) today += term;
                        }
                        var loadVar = model.NewIntVar(0, 20000, $"load_{isCpu}_{h}");
                        model.Add(loadVar == load);
                        var square = model.NewIntVar(0, 400_000_000, $"sq_{isCpu}_{h}");
                        model.AddMultiplicationEquality(square, loadVar, loadVar);
                        // Hints for the helper variables too, so today's placement is a complete first solution.
                        model.AddHint(loadVar, today);
                        model.AddHint(square, today * today);
                        totalToday += today;
                        total.Add(loadVar);
                        squares.Add(square);
                    }
                    var totalVar = model.NewIntVar(0, 20000L * n, $"total_{isCpu}");
                    model.Add(totalVar == total);
                    var totalSquare = model.NewIntVar(0, 400_000_000L * n * n, $"totalsq_{isCpu}");
                    model.AddMultiplicationEquality(totalSquare, totalVar, totalVar);
                    model.AddHint(totalVar, totalToday);
                    model.AddHint(totalSquare, totalToday * totalToday);
                    objective.Add((LinearExpr)squares * n - totalSquare);
                }
                model.Minimize(objective);
            }

            // Start from today's placement (or the one given) so the solver always has a feasible answer to improve.
            foreach (var pair in vars) model.AddHint(pair.Value, Start(pair.Key.Item1) == pair.Key.Item2 ? 1 : 0);
            var solver = new CpSolver { StringParameters = $"max_time_in_seconds:{timeLimitSec} num_workers:2 random_seed:7" };
            var status = solver.Solve(model);
            result.Status = status.ToString();
            if (status != CpSolverStatus.Optimal && status != CpSolverStatus.Feasible) return result;

            foreach (int g in movable)
            {
                var to = hosts.FirstOrDefault(h => vars.TryGetValue((g, h), out var x) && solver.Value(x) == 1);
                if (to == null || to == state.GroupHost(g)) continue;   // stays (fewest-left) or keeps its host
                result.Targets[g] = to;
                state.Move(g, to);
            }
            if (fewestLeft)
            {
                result.Left = (int)Math.Round(solver.ObjectiveValue) / (state.VMs.Count + 1);
                // Objective = left * (VMs + 1) + moved, with moved <= VMs: the bound's quotient bounds what is left.
                result.LeftBound = (int)Math.Floor(solver.BestObjectiveBound / (state.VMs.Count + 1));
            }
            else if (goal == PlanGoal.Consolidate)
                result.FreedBound = (int)Math.Floor(solver.BestObjectiveBound / (state.VMs.Count + 1));
            else
                result.ScoreBound = Math.Sqrt(Math.Max(0, solver.BestObjectiveBound) / ((double)hosts.Count * hosts.Count) / 2) / 1000;
            return result;
        }
    }
}
