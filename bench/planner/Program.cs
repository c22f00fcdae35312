using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using VmMigration;
using VmMigration.Planning;
using VmMigration.Tests.Planning;

namespace VmMigration.Bench.Planner
{
    /// <summary>
    /// One run, side by side: the planner, a first-fit-decreasing baseline, and on small instances CP-SAT's optimum or
    /// best bound. Every plan is replayed by the independent checker. Prints a markdown table and writes
    /// bench/results/planner.md. Usage: dotnet run -c Release [-- --cpsat-seconds N] [-- --out path]
    /// </summary>
    internal static class Program
    {
        private const int SmallInstanceMaxVms = 200;

        private sealed record Row(string Instance, int Hosts, int Vms, PlanGoal Goal, string Method, double TimeMs, double Objective,
            int Moves, string Waves, string Violations, int Unplaced, string VsBaseline, string VsCpSat, string Note);

        private static int Main(string[] args)
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine("Usage: dotnet run -c Release --project bench/planner -- [--family standard|tight|all] [--only <instance>] [--cpsat-seconds N] [--out path]");
                Console.WriteLine("Instances: small-6, small-8, c16, c96, c1000x20k, c1000 (standard, written to bench/results/planner.md);");
                Console.WriteLine("tight-10a, tight-10b, tight-30a, tight-30b, tight-100, tight-1000x20k (tight, written to bench/results/planner-tight.md).");
                return 0;
            }
            double cpSatSeconds = ArgValue(args, "--cpsat-seconds", 20);
            string family = ArgText(args, "--family") ?? "all";
            string? only = ArgText(args, "--only");
            string results = Path.Combine(FindRepoRoot(), "bench", "results");
            var clusters = new[]
            {
                new SyntheticCluster("small-6", seed: 6, hostCount: 6, minVmsPerHost: 12, maxVmsPerHost: 30, evacuationHostCount: 1),
                new SyntheticCluster("small-8", seed: 8, hostCount: 8, minVmsPerHost: 15, maxVmsPerHost: 25, evacuationHostCount: 1),
                new SyntheticCluster("c16", seed: 16, hostCount: 16, minVmsPerHost: 20, maxVmsPerHost: 100, evacuationHostCount: 1),
                new SyntheticCluster("c96", seed: 96, hostCount: 96, minVmsPerHost: 20, maxVmsPerHost: 100, evacuationHostCount: 5),
                new SyntheticCluster("c1000x20k", seed: 1000, hostCount: 1000, minVmsPerHost: 20, maxVmsPerHost: 20, evacuationHostCount: 50),
                new SyntheticCluster("c1000", seed: 1001, hostCount: 1000, minVmsPerHost: 20, maxVmsPerHost: 100, evacuationHostCount: 50),
            };

            // Warm the JIT on a small instance so the timings measure the algorithm, not compilation.
            foreach (PlanGoal goal in Enum.GetValues(typeof(PlanGoal))) MigrationPlanner.Plan(clusters[0].Inventory, clusters[0].Rules, Options(clusters[0], goal));
            var tight = TightFamily.Clusters();
            MigrationPlanner.Plan(tight[0].Inventory, tight[0].Rules, new PlanningOptions { Goal = PlanGoal.Evacuate, HostNames = tight[0].EvacuationHosts.ToList() });

            if (family == "tight" || family == "all")
            {
                var tightText = TightFamily.Run(tight.Where(c => only == null || c.Name == only), cpSatSeconds);
                Console.WriteLine(tightText);
                Write(ArgText(args, "--out") ?? Path.Combine(results, "planner-tight.md"), tightText);
            }
            if (family != "standard" && family != "all") return 0;

            var rows = new List<Row>();
            var targets = new List<string>();
            foreach (var cluster in clusters.Where(c => only == null || c.Name == only))
            {
                foreach (PlanGoal goal in Enum.GetValues(typeof(PlanGoal)))
                {
                    rows.AddRange(RunInstance(cluster, goal, cpSatSeconds, targets));
                    Console.Error.WriteLine($"done {cluster.Name} {goal}");
                }
            }

            var text = Render(rows, targets, cpSatSeconds);
            Console.WriteLine(text);
            Write(ArgText(args, "--out") ?? Path.Combine(results, "planner.md"), text);
            return 0;
        }

        private static void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text);
        }

        /// <summary>The plan, and the median time of three runs of the planner on it.</summary>
        internal static (MigrationPlan Plan, double Ms) TimedPlan(ClusterInventory inventory, ClusterRules rules, PlanningOptions options)
        {
            var times = new List<double>();
            MigrationPlan plan = null!;
            for (int run = 0; run < 3; run++)
            {
                var watch = Stopwatch.StartNew();
                plan = MigrationPlanner.Plan(inventory, rules, options);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            return (plan, times.OrderBy(t => t).ElementAt(1));
        }

        private static PlanningOptions Options(SyntheticCluster cluster, PlanGoal goal) => new PlanningOptions
        {
            Goal = goal,
            HostNames = goal == PlanGoal.Evacuate ? cluster.EvacuationHosts.ToList() : new List<string>(),
            // Balance runs to a move budget (5 % of VMs) with no early stop, so every method is compared at equal effort.
            TargetScore = 0,
            MaxMoves = goal == PlanGoal.Balance ? Math.Max(1, cluster.Inventory.VMs.Count / 20) : int.MaxValue,
        };

        private static IEnumerable<Row> RunInstance(SyntheticCluster cluster, PlanGoal goal, double cpSatSeconds, List<string> targets)
        {
            var inventory = cluster.Inventory;
            var options = Options(cluster, goal);
            int hosts = inventory.Hosts.Count, vms = inventory.VMs.Count;

            // Ours: median of three timed runs.
            var (plan, ourTime) = TimedPlan(inventory, cluster.Rules, options);
            int ourViolations = IndependentPlanChecker.Violations(inventory, cluster.Rules, plan).Count;
            double ourObjective = goal == PlanGoal.Consolidate ? plan.Hosts.Count : plan.ScoreAfter;

            // Baseline.
            var baseline = new BenchClusterState(inventory, cluster.Rules);
            var baselineWatch = Stopwatch.StartNew();
            List<string> baselineHosts = cluster.EvacuationHosts;
            switch (goal)
            {
                case PlanGoal.Balance: FirstFitDecreasingBaseline.Balance(baseline, options.MaxMoves); break;
                case PlanGoal.Evacuate: FirstFitDecreasingBaseline.Evacuate(baseline, cluster.EvacuationHosts); break;
                default: baselineHosts = FirstFitDecreasingBaseline.Consolidate(baseline); break;
            }
            double baselineTime = baselineWatch.Elapsed.TotalMilliseconds;
            var baselinePlan = baseline.ToSequentialPlan(goal, baselineHosts);
            int baselineViolations = IndependentPlanChecker.Violations(inventory, cluster.Rules, baselinePlan).Count;
            double baselineObjective = goal == PlanGoal.Consolidate ? baselineHosts.Count : ScoreOf(baseline, goal, baselineHosts, cluster.Rules);
            int baselineUnplaced = goal == PlanGoal.Evacuate ? inventory.VMs.Count(v => cluster.EvacuationHosts.Contains(v.HostName)) - baselinePlan.Steps.Count : 0;

            // CP-SAT on small instances.
            Row? cpRow = null;
            double? cpObjective = null;
            int? cpMoves = null;
            if (vms <= SmallInstanceMaxVms)
            {
                var reference = new BenchClusterState(inventory, cluster.Rules);
                var watch = Stopwatch.StartNew();
                var solved = CpSatReference.Solve(reference, goal, plan.Steps.Count, cluster.EvacuationHosts, cpSatSeconds);
                double cpTime = watch.Elapsed.TotalMilliseconds;
                if (solved.Status == "Optimal" || solved.Status == "Feasible")
                {
                    var freedByCp = reference.HostNames.Where(h => reference.InService[h] && reference.UsedMemory[h] == 0 && inventory.VMs.Any(v => v.HostName == h)).ToList();
                    cpObjective = goal == PlanGoal.Consolidate ? freedByCp.Count : ScoreOf(reference, goal, freedByCp, cluster.Rules);
                    cpMoves = reference.Moves.Count;
                }
                string bound = solved.ScoreBound is double sb ? $"bound {sb:0.0000}" : solved.FreedBound is int fb ? $"bound {fb} hosts" : "";
                cpRow = new Row(cluster.Name, hosts, vms, goal, "CP-SAT", cpTime, cpObjective ?? double.NaN, cpMoves ?? 0, "-",
                    "n/a", 0, "", "", $"{solved.Status}, {cpSatSeconds:0} s limit, {bound}; final placement only (no waves)");
            }

            string vsCp = "";
            if (cpObjective is double cp && cpMoves is int cm)
            {
                double gap = goal == PlanGoal.Consolidate ? (cp - ourObjective) / Math.Max(1, cp) : (ourObjective - cp) / Math.Max(1e-9, cp);
                double moveRatio = cm == 0 ? (plan.Steps.Count == 0 ? 1 : double.PositiveInfinity) : (double)plan.Steps.Count / cm;
                vsCp = $"gap {gap * 100:+0.0;-0.0;0.0} %, moves x{moveRatio:0.00}";
                bool met = gap <= 0.02 && moveRatio <= 1.10;
                targets.Add($"- {cluster.Name} {goal}: objective gap to CP-SAT {gap * 100:0.0} % (target <= 2 %), moves {plan.Steps.Count} vs {cm} (x{moveRatio:0.00}, target <= x1.10): **{(met ? "met" : "missed")}**");
            }
            string vsBaseline = goal == PlanGoal.Consolidate
                ? $"x{ourObjective / Math.Max(1, baselineObjective):0.00} hosts freed"
                : $"x{ourObjective / Math.Max(1e-9, baselineObjective):0.00} score";

            if (hosts == 1000 && vms == 20000 && goal != PlanGoal.Consolidate)
                targets.Add($"- 1,000 hosts x 20,000 VMs {goal}: {ourTime:0} ms median of 3 (target < 2,000 ms): **{(ourTime < 2000 ? "met" : $"missed by {ourTime - 2000:0} ms")}**");

            var rows = new List<Row>
            {
                new Row(cluster.Name, hosts, vms, goal, "ours", ourTime, ourObjective, plan.Steps.Count, plan.WaveCount.ToString(CultureInfo.InvariantCulture),
                    ourViolations.ToString(CultureInfo.InvariantCulture), plan.Unplaced.Count, vsBaseline, vsCp,
                    $"score {plan.ScoreBefore:0.0000} -> {plan.ScoreAfter:0.0000}; predicted {plan.PredictedDurationSec / 60:0.0} min"),
                new Row(cluster.Name, hosts, vms, goal, "FFD baseline", baselineTime, baselineObjective, baselinePlan.Steps.Count, $"{baselinePlan.WaveCount} (one group each)",
                    baselineViolations.ToString(CultureInfo.InvariantCulture), baselineUnplaced, "x1.00", "", "one move at a time"),
            };
            if (cpRow != null) rows.Add(cpRow);
            return rows;
        }

        /// <summary>The planner's metric on a final placement; evacuated or freed hosts leave the scored set, as in the plans.</summary>
        private static double ScoreOf(BenchClusterState state, PlanGoal goal, IEnumerable<string> outOfService, ClusterRules rules)
        {
            var scored = rules.Clone();
            if (goal != PlanGoal.Balance) scored.MaintenanceHosts.AddRange(outOfService);
            return LoadScore.Compute(state.FinalInventory(), scored);
        }

        private static string Render(List<Row> rows, List<string> targets, double cpSatSeconds)
        {
            var text = new StringBuilder();
            text.AppendLine("# Planner benchmark");
            text.AppendLine();
            text.AppendLine($"Generated by `dotnet run -c Release --project bench/planner` on {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}.");
            text.AppendLine("Objective: Balance and Evacuate = load score after (std-dev of CPU and memory load, lower is better); Consolidate = hosts freed (higher is better).");
            text.AppendLine("Balance runs to a budget of 5 % of VMs as moves (TargetScore 0); CP-SAT gets the same move budget as ours used. Evacuate empties the listed hosts (1, 1, 1, 5, 50, 50).");
            text.AppendLine("Violations are counted by the independent checker (tests/VmMigration.Engine.Tests/Planning/IndependentPlanChecker.cs), replaying waves; the baseline is replayed one move at a time.");
            text.AppendLine();
            text.AppendLine("| instance | hosts | VMs | goal | method | plan ms | objective | moves | waves | violations | unplaced | vs FFD | vs CP-SAT | note |");
            text.AppendLine("|---|---:|---:|---|---|---:|---:|---:|---|---:|---:|---|---|---|");
            foreach (var r in rows)
            {
                string objective = double.IsNaN(r.Objective) ? "-" : r.Goal == PlanGoal.Consolidate ? r.Objective.ToString("0", CultureInfo.InvariantCulture) : r.Objective.ToString("0.0000", CultureInfo.InvariantCulture);
                text.AppendLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1} | {2} | {3} | {4} | {5:0.0} | {6} | {7} | {8} | {9} | {10} | {11} | {12} | {13} |",
                    r.Instance, r.Hosts, r.Vms, r.Goal, r.Method, r.TimeMs, objective, r.Moves, r.Waves, r.Violations, r.Unplaced, r.VsBaseline, r.VsCpSat, r.Note));
            }
            text.AppendLine();
            text.AppendLine("## Targets");
            foreach (var t in targets) text.AppendLine(t);
            text.AppendLine();
            text.AppendLine("## Notes");
            text.AppendLine("- Timings are one process on a shared 2-core machine (other jobs were running); runs of the same binary varied by up to 3x. Ours is the median of three runs after a JIT warm-up on small-6.");
            text.AppendLine("- small-6 and small-8 use 12-30 and 15-25 VMs per host (not 20-100) so CP-SAT gets instances of at most 200 VMs.");
            text.AppendLine("- CP-SAT solves the final placement only (no waves, no intermediate states), so it is a bound on what a staged plan can reach. \"Feasible\" with bound 0 means it found a better placement but proved nothing; the gap is measured against its best placement, scored with the planner's own metric.");
            text.AppendLine("- The baseline is replayed one move at a time (its waves column counts single moves); ours runs moves in parallel waves of at most 2 migrations per host.");
            text.AppendLine("- A negative gap means ours beat CP-SAT's best placement within its time limit. CP-SAT (2 workers, shared machine) is not reproducible run to run: on small-6 Balance it returned 0.0341 to 0.0662 in runs of 1 to 20 s, so the Balance gap moves with it.");
            text.AppendLine("- Ours: Balance = greedy, then local search on the final placement (single moves, swaps between loaded and light hosts, take-one-back-make-another), every accepted change checked to be reachable one move at a time with each VM moving once; up to 400 units also an iterated local search (fixed seed, small kicks, effort counted in rounds and evaluations, not time). Evacuate = largest first, then reinsertion and destination swaps. Consolidate = least-loaded-first draining (best fit and first fit, the better kept), then a pass that empties hosts that received VMs by redirecting those moves; with at most 12 candidate hosts and 600 units, every set of hosts is tried by best-fit-decreasing packing (most hosts, then fewest moves).");
            return text.ToString();
        }

        private static double ArgValue(string[] args, string name, double fallback) =>
            ArgText(args, name) is string s ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

        private static string? ArgText(string[] args, string name)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        private static string FindRepoRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "VmMigration.sln"))) dir = dir.Parent;
            return dir?.FullName ?? Directory.GetCurrentDirectory();
        }
    }
}
