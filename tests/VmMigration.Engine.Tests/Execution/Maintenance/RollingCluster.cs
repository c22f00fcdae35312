using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using VmMigration.Execution.Live;
using VmMigration.Execution.Maintenance;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>
    /// Fake hosts for rolling maintenance tests (fake://a, fake://b ...), connected in a registry of their own, with a
    /// maintenance file and journals in a temporary folder; the user's scripts are test delegates.
    /// </summary>
    internal sealed class RollingCluster : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-rolling-" + Guid.NewGuid().ToString("N"));

        public RollingCluster(params string[] hostNames)
        {
            foreach (var name in hostNames)
            {
                Cluster.AddHost(UriOf(name), name);
            }
            Registry = NewRegistry(hostNames);
            Maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
        }

        public FakeCluster Cluster { get; } = new FakeCluster();
        public HostRegistry Registry { get; private set; }
        public MaintenanceStore Maintenance { get; }
        public FakeScripts Scripts { get; } = new FakeScripts();
        public string JournalPath => Path.Combine(directory, "run.json");

        public static string UriOf(string name) => $"fake://{name}";

        public FakeHost this[string name] => Cluster[UriOf(name)];

        /// <summary>A new session, as after the runner was killed: a registry with only <paramref name="connected"/> connected.</summary>
        public HostRegistry NewRegistry(params string[] connected)
        {
            Registry = new HostRegistry(Cluster.RegisterIn(new HypervisorProviders()));
            foreach (var name in connected)
            {
                Registry.Connect(new HostUri(UriOf(name)), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            return Registry;
        }

        public RollingMaintenanceOptions Options(params string[] hosts) => new RollingMaintenanceOptions
        {
            HostNames = hosts.ToList(),
            JournalPath = JournalPath,
            HostReturnTimeout = TimeSpan.FromSeconds(10),
            HostReturnPollInterval = TimeSpan.FromMilliseconds(50),
        };

        public RollingMaintenance Engine(RollingMaintenanceOptions options) => new RollingMaintenance(Registry, new Inventory(Registry, Maintenance), Maintenance, options);

        /// <summary>Runs the whole maintenance with the test's scripts; the results, in the order the hosts finished.</summary>
        public RollingMaintenanceSummary Run(RollingMaintenanceOptions options, RecordingMaintenanceObserver observer, CancellationToken cancellationToken = default, params string[] declined) =>
            Engine(options).Run(declined, observer, Scripts, cancellationToken);

        /// <summary>The hosts whose fake holds a running VM of that name.</summary>
        public string[] RunningOn(string vmName) =>
            Registry.Hosts.Where(h => Cluster[h.Uri].AllGuests.Any(g => g.Name == vmName && g.Active)).Select(h => h.Name).ToArray();

        public bool InMaintenance(string host) => Maintenance.List().Any(m => m.HostName == host);

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }
    }

    /// <summary>The user's steps as test delegates; every call is recorded with the VMs then running on its host.</summary>
    internal sealed class FakeScripts : IMaintenanceScripts
    {
        private readonly Dictionary<MaintenanceScript, Func<MigrationHost, MaintenanceScriptOutcome>> steps = new Dictionary<MaintenanceScript, Func<MigrationHost, MaintenanceScriptOutcome>>
        {
            [MaintenanceScript.Script] = host => MaintenanceScriptOutcome.Succeeded($"patched {host.Name}"),
        };
        private readonly List<(MaintenanceScript Script, string Host)> calls = new List<(MaintenanceScript, string)>();

        public Func<MigrationHost, MaintenanceScriptOutcome> this[MaintenanceScript script]
        {
            set => steps[script] = value;
        }

        public IReadOnlyList<(MaintenanceScript Script, string Host)> Calls
        {
            get { lock (calls) return calls.ToList(); }
        }

        public int CountOf(MaintenanceScript script, string host) => Calls.Count(c => c.Script == script && c.Host == host);

        public bool Has(MaintenanceScript script) => steps.ContainsKey(script);

        public MaintenanceScriptOutcome Run(MaintenanceScript script, MigrationHost host, CancellationToken cancellationToken)
        {
            lock (calls) calls.Add((script, host.Name));
            return steps[script](host);
        }

        public static MaintenanceScriptOutcome Failed(string why, params string[] errors) => new MaintenanceScriptOutcome(Array.Empty<object>(), errors, why);
    }

    /// <summary>What a run reported; a test may act when a host enters a phase (to stop the run there, or change the world).</summary>
    internal sealed class RecordingMaintenanceObserver : IRollingMaintenanceObserver
    {
        private readonly List<HostMaintenanceResult> results = new List<HostMaintenanceResult>();
        private readonly List<(string Host, MaintenancePhase Phase)> phases = new List<(string, MaintenancePhase)>();

        public Action<string, MaintenancePhase>? OnPhase { get; set; }

        public IReadOnlyList<HostMaintenanceResult> Results
        {
            get { lock (results) return results.ToList(); }
        }

        public IReadOnlyList<(string Host, MaintenancePhase Phase)> Phases
        {
            get { lock (phases) return phases.ToList(); }
        }

        public HostMaintenanceResult ResultOf(string host) => Results.Single(r => r.HostName == host);

        public void PhaseStarted(string hostName, MaintenancePhase phase, int hostsFinished, int hostCount)
        {
            lock (phases) phases.Add((hostName, phase));
            OnPhase?.Invoke(hostName, phase);
        }

        public void MoveProgress(MigrationProgress progress) { }

        public void DrainProgress(string hostName, int done, int total) { }

        public void HostFinished(HostMaintenanceResult result)
        {
            lock (results) results.Add(result);
        }

        public void Warning(string message) { }
    }
}
