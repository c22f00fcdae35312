using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>
    /// Runs that share a cluster: the run lease each takes on its hosts, kept on the hosts (the fake keeps them as libvirt
    /// keeps the secrets that carry them), and what another runner, here or on another machine, sees of it.
    /// </summary>
    public sealed class RunHoldTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-hold-" + Guid.NewGuid().ToString("N"));
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;
        private readonly MaintenanceStore maintenance;

        public RunHoldTests()
        {
            foreach (var name in new[] { "a", "b", "c" }) cluster.AddHost("fake://" + name, name);
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            foreach (var name in new[] { "a", "b", "c" })
                registry.Connect(new HostUri("fake://" + name), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            maintenance = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
        }

        public void Dispose()
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, true);
        }

        private RunHold Take(TimeSpan wait = default, Action<string>? waiting = null, IEnumerable<ConnectedHost>? hosts = null) =>
            RunHold.Take(registry, hosts ?? registry.Hosts, "test run", wait, waiting, CancellationToken.None);

        /// <summary>The run lease of a runner on another machine, as the host keeps it.</summary>
        private static HostLease OtherMachine(DateTime? expiresAt) => new HostLease
        {
            Name = HostLease.Run, Id = Guid.NewGuid().ToString(), Holder = "ops@box2 (pid 4242)", Machine = "box2", ProcessId = 4242,
            Purpose = "Invoke-ClusterBalance", Since = DateTime.UtcNow.AddMinutes(-1), ExpiresAt = expiresAt,
        };

        [Fact]
        public void A_run_holds_every_host_on_the_host_itself_and_gives_them_back_when_it_ends()
        {
            using (var hold = Take())
            {
                Assert.Equal(new[] { "a", "b", "c" }, hold.HostNames);
                foreach (var name in new[] { "a", "b", "c" })
                {
                    var lease = cluster["fake://" + name].Leases[HostLease.Run];
                    Assert.Equal("test run", lease.Purpose);
                    Assert.Equal(Environment.MachineName, lease.Machine);
                    Assert.True(lease.ExpiresAt > DateTime.UtcNow, "a run's lease lapses unless renewed");
                }
            }
            Assert.All(new[] { "a", "b", "c" }, name => Assert.Empty(cluster["fake://" + name].Leases));
        }

        [Fact]
        public void A_second_run_is_refused_naming_the_holder_and_since_when_and_takes_nothing()
        {
            var other = OtherMachine(DateTime.UtcNow.AddMinutes(1));
            cluster["fake://b"].Leases[HostLease.Run] = other;

            var error = Assert.Throws<MigrationException>(() => Take());

            Assert.Equal(ErrorIds.HostHeldByAnotherRun, error.ErrorId);
            Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
            Assert.Contains("host 'b' is held by Invoke-ClusterBalance by ops@box2 (pid 4242) since", error.Message);
            Assert.Contains("-WaitSec", error.Message);
            Assert.Empty(cluster["fake://a"].Leases);
            Assert.Empty(cluster["fake://c"].Leases);
            Assert.Equal(other.Id, cluster["fake://b"].Leases[HostLease.Run].Id);
        }

        [Fact]
        public void Two_runs_in_this_process_never_hold_the_same_host_at_once()
        {
            using var hold = Take();

            var error = Assert.Throws<MigrationException>(() => Take(hosts: new[] { registry.Resolve("c") }));

            Assert.Equal(ErrorIds.HostHeldByAnotherRun, error.ErrorId);
            Assert.Contains("held by test run", error.Message);
        }

        [Fact]
        public void With_a_wait_the_run_says_why_it_waits_once_and_goes_on_when_the_holder_ends()
        {
            var first = Take();
            var heard = new List<string>();
            var clock = Stopwatch.StartNew();
            Task.Delay(1500).ContinueWith(_ => first.Dispose());

            using var second = Take(TimeSpan.FromSeconds(30), heard.Add);

            Assert.InRange(clock.Elapsed.TotalSeconds, 1.4, 20);
            Assert.Equal(new[] { "a", "b", "c" }, second.HostNames);
            var why = Assert.Single(heard);
            Assert.Contains("held by test run", why);
        }

        [Fact]
        public void A_lapsed_lease_of_a_runner_that_stopped_renewing_is_released_and_taken()
        {
            cluster["fake://a"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddSeconds(-1));

            using var hold = Take();

            Assert.Equal("test run", cluster["fake://a"].Leases[HostLease.Run].Purpose);
        }

        [Fact]
        public void The_lease_of_a_runner_that_died_on_this_machine_is_taken_over_at_once()
        {
            using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
            gone.WaitForExit();
            var dead = OtherMachine(DateTime.UtcNow.AddMinutes(2));
            dead.Machine = Environment.MachineName;
            dead.ProcessId = gone.Id;
            cluster["fake://a"].Leases[HostLease.Run] = dead;

            using var hold = Take();

            Assert.Equal("test run", cluster["fake://a"].Leases[HostLease.Run].Purpose);
        }

        [Fact]
        public void A_holder_on_this_machine_that_still_runs_is_respected()
        {
            var alive = OtherMachine(DateTime.UtcNow.AddMinutes(2));
            alive.Machine = Environment.MachineName;
            alive.ProcessId = 1; // a process of this machine that runs as long as the machine does
            cluster["fake://a"].Leases[HostLease.Run] = alive;

            Assert.Equal(ErrorIds.HostHeldByAnotherRun, Assert.Throws<MigrationException>(() => Take()).ErrorId);
        }

        [Fact]
        public void A_lease_this_process_left_on_a_host_that_was_down_when_its_run_ended_blocks_no_later_run()
        {
            var hold = Take();
            cluster["fake://b"].GoDown();
            hold.Dispose();
            cluster["fake://b"].ComeBack();
            Assert.True(cluster["fake://b"].Leases.ContainsKey(HostLease.Run), "the host kept the lease while it was down");

            using var next = Take();

            Assert.Equal(new[] { "a", "b", "c" }, next.HostNames);
        }

        [Fact]
        public void A_host_that_is_down_does_not_block_the_run_and_is_not_held()
        {
            cluster["fake://b"].GoDown();

            using var hold = Take();

            Assert.Equal(new[] { "a", "c" }, hold.HostNames);
        }

        [Fact]
        public void An_evacuation_given_the_hold_of_the_run_it_is_part_of_takes_none_of_its_own()
        {
            cluster["fake://a"].AddGuest("web1");
            using var outer = Take();
            var id = cluster["fake://a"].Leases[HostLease.Run].Id;
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance,
                new EvacuationOptions { HostName = "a", JournalPath = Path.Combine(directory, "a.json"), Hold = outer });

            var summary = evacuation.Run(new SilentObserver(), CancellationToken.None);

            Assert.Equal(1, summary.Moved);
            Assert.Equal(id, cluster["fake://a"].Leases[HostLease.Run].Id);
        }

        [Fact]
        public void An_evacuation_refused_because_another_run_holds_a_host_leaves_everything_as_it_was()
        {
            cluster["fake://a"].AddGuest("web1");
            cluster["fake://c"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddMinutes(1));
            var journal = Path.Combine(directory, "a.json");
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance, new EvacuationOptions { HostName = "a", JournalPath = journal });

            var error = Assert.Throws<MigrationException>(() => evacuation.Run(new SilentObserver(), CancellationToken.None));

            Assert.Equal(ErrorIds.HostHeldByAnotherRun, error.ErrorId);
            Assert.True(cluster["fake://a"].Guest("web1")!.Active);
            Assert.Empty(maintenance.List());
            Assert.False(cluster["fake://a"].Leases.ContainsKey(HostLease.Maintenance));
            Assert.False(File.Exists(journal));
        }

        [Fact]
        public void A_host_drained_by_one_runner_is_in_maintenance_for_another_that_shares_no_state_directory()
        {
            cluster["fake://a"].AddGuest("web1");
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance,
                new EvacuationOptions { HostName = "a", JournalPath = Path.Combine(directory, "a.json") });
            evacuation.Run(new SilentObserver(), CancellationToken.None);

            var otherRunner = new Inventory(registry, new MaintenanceStore(Path.Combine(directory, "elsewhere", "maintenance.json")));
            var a = otherRunner.DescribeHosts(new[] { registry.Resolve("a") }, CancellationToken.None).Single();

            Assert.Equal(HostState.Maintenance, a.State);
            Assert.Contains($"evacuation of a by {Environment.UserName}@{Environment.MachineName}", a.Message);
            Assert.DoesNotContain(cluster["fake://a"].Leases.Values, l => l.Name == HostLease.Run);
        }

        [Fact]
        public void Leaving_maintenance_clears_the_mark_on_the_host_whoever_made_it()
        {
            var host = registry.Resolve("a");
            var uuid = host.Connection.GetHostFacts().HostUuid;
            cluster["fake://a"].Leases[HostLease.Maintenance] = new HostLease
            {
                Name = HostLease.Maintenance, Id = Guid.NewGuid().ToString(), Holder = "ops@box2 (pid 1)", Machine = "box2", Purpose = "evacuation of a",
            };

            HostMaintenanceMark.Leave(maintenance, host, uuid);

            Assert.Empty(cluster["fake://a"].Leases);
            Assert.Equal(HostState.Connected, new Inventory(registry, maintenance).DescribeHosts(new[] { host }, CancellationToken.None).Single().State);
        }

        [Fact]
        public void The_host_says_which_run_holds_it()
        {
            cluster["fake://b"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddMinutes(1));
            cluster["fake://c"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddMinutes(-1));

            var hosts = new Inventory(registry, maintenance).DescribeHosts(registry.Hosts, CancellationToken.None).ToDictionary(h => h.Name);

            Assert.Null(hosts["a"].HeldBy);
            Assert.StartsWith("Invoke-ClusterBalance by ops@box2 (pid 4242) since", hosts["b"].HeldBy);
            Assert.Null(hosts["c"].HeldBy); // lapsed: nobody holds it any more
        }

        [Fact]
        public void A_lease_taken_by_another_run_is_lost_and_a_host_that_is_only_down_is_not()
        {
            using var hold = Take();
            cluster["fake://b"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddMinutes(2));
            cluster["fake://c"].GoDown();

            hold.Renew();

            Assert.Equal(new[] { "b" }, hold.LostHosts);
            Assert.Contains("'b'", hold.LostReason);
            Assert.DoesNotContain("'c'", hold.LostReason);
        }

        [Fact]
        public void An_evacuation_whose_run_lost_a_lease_starts_no_move_and_says_why()
        {
            cluster["fake://a"].AddGuest("web1");
            cluster["fake://a"].AddGuest("web2");
            using var outer = Take();
            cluster["fake://b"].Leases[HostLease.Run] = OtherMachine(DateTime.UtcNow.AddMinutes(2));
            outer.Renew();
            var observer = new RecordingObserver();
            var evacuation = new HostEvacuation(registry, new Inventory(registry, maintenance), maintenance,
                new EvacuationOptions { HostName = "a", JournalPath = Path.Combine(directory, "a.json"), Hold = outer });

            var summary = evacuation.Run(observer, CancellationToken.None);

            Assert.Equal(0, summary.Moved);
            Assert.Equal(new[] { "web1", "web2" }, observer.Results.Select(r => r.VMName).OrderBy(n => n));
            Assert.All(observer.Results, r => Assert.Equal(ErrorIds.RunLeaseLost, r.ErrorId));
            Assert.Contains(observer.Warnings, w => w.Contains("'b'") && w.Contains("no new move is started"));
            Assert.True(cluster["fake://a"].Guest("web1")!.Active);
            Assert.True(cluster["fake://a"].Guest("web2")!.Active);
        }

        private sealed class RecordingObserver : IEvacuationObserver
        {
            public List<MigrationResult> Results { get; } = new List<MigrationResult>();
            public List<string> Warnings { get; } = new List<string>();
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) => Results.Add(result);
            public void HostProgress(int done, int total) { }
            public void Warning(string message) => Warnings.Add(message);
        }

        private sealed class SilentObserver : IEvacuationObserver
        {
            public void MoveProgress(MigrationProgress progress) { }
            public void VMFinished(MigrationResult result) { }
            public void HostProgress(int done, int total) { }
            public void Warning(string message) { }
        }
    }
}
