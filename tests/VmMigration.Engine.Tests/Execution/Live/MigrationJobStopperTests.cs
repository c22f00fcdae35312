using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    /// <summary>Stop-MigrationJob's engine: the abort on the source, the bounded wait, and the VM left on its source alone.</summary>
    public sealed class MigrationJobStopperTests : IDisposable
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;
        private readonly MigrationJobReader reader;
        private readonly MigrationJobStopper stopper;
        private Task? runner;

        public MigrationJobStopperTests()
        {
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders())) { CallTimeout = TimeSpan.FromSeconds(2) };
            foreach (var host in new[] { "a", "b" })
            {
                cluster.AddHost("fake://" + host, host);
                registry.Connect(new HostUri("fake://" + host), host, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            reader = new MigrationJobReader(registry) { JournalDirectory = null };
            stopper = new MigrationJobStopper(registry) { PollInterval = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromSeconds(5) };
        }

        public void Dispose()
        {
            Host("a").AbortIgnored = false;
            if (runner != null && !runner.IsCompleted) Host("a").AbortJob("web1");
            runner?.ContinueWith(_ => { }).Wait(TimeSpan.FromSeconds(10));
        }

        private FakeHost Host(string name) => cluster["fake://" + name];

        /// <summary>
        /// web1 migrating a -> b as a runner outside this engine drives it (virsh, another machine): the source's job never
        /// converges, the destination holds the paused incoming copy, and keeps it after an abort when asked to.
        /// </summary>
        private GuestInfo MigrationByAnotherRunner(bool destinationKeepsCopy)
        {
            var vm = Host("a").AddGuest("web1");
            Host("a").Outcome = FakeOutcome.NeverConverge;
            Host("a").ShowsIncomingCopy = true;
            Host("a").AbortLeavesIncomingCopy = destinationKeepsCopy;
            Host("a").Samples.Add(new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationOut, DataTotal = 100, DataRemaining = 70, DataProcessed = 30, ElapsedMs = 800 });
            runner = Task.Run(() => Host("a").MigrateLive("web1", "fake://b", new LiveMigrationParameters()));
            Assert.True(Eventually.Holds(() => reader.Read(registry.Hosts, null, null, CancellationToken.None).Jobs.Any(j => j.Destination == "b" && j.PercentComplete == 30)));
            return vm;
        }

        private MigrationJob OnlyJob() => Assert.Single(reader.Read(registry.Hosts, null, null, CancellationToken.None).Jobs);

        [Fact]
        public void Aborts_the_migration_on_its_source_and_removes_the_paused_copy_the_destination_kept()
        {
            var vm = MigrationByAnotherRunner(destinationKeepsCopy: true);

            var result = stopper.Stop(OnlyJob(), CancellationToken.None);

            Assert.Equal(MigrationJobStopStatus.Aborted, result.Status);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal("b", result.Destination);
            Assert.Equal(new[] { "paused copy of 'web1' on 'b'" }, result.Removed);
            Assert.Contains("Abort web1", Host("a").Calls);
            Assert.Equal(VMState.Running, Host("a").Guest("web1")!.State);
            Assert.Null(Host("b").Guest("web1"));
            Assert.Equal(vm.Uuid, result.Uuid);
            Assert.Empty(reader.Read(registry.Hosts, null, null, CancellationToken.None).Jobs);
        }

        [Fact]
        public void A_destination_that_cleaned_up_itself_leaves_nothing_to_remove()
        {
            MigrationByAnotherRunner(destinationKeepsCopy: false);

            var result = stopper.Stop(OnlyJob(), CancellationToken.None);

            Assert.Equal(MigrationJobStopStatus.Aborted, result.Status);
            Assert.Empty(result.Removed);
            Assert.Null(Host("b").Guest("web1"));
        }

        [Fact]
        public async Task A_job_that_ended_before_the_stop_is_not_found()
        {
            MigrationByAnotherRunner(destinationKeepsCopy: false);
            var job = OnlyJob();
            Host("a").AbortJob("web1");
            await runner!.ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(5));

            var error = Assert.Throws<MigrationException>(() => stopper.Stop(job, CancellationToken.None));

            Assert.Equal(ErrorIds.MigrationJobNotFound, error.ErrorId);
            Assert.Equal(VMState.Running, Host("a").Guest("web1")!.State);
        }

        [Fact]
        public void An_incoming_migration_whose_source_is_not_connected_is_refused_and_left_alone()
        {
            var copy = Host("b").AddGuest("web1", VMState.Paused);
            Host("b").Jobs["web1"] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationIn };
            var job = OnlyJob();
            Assert.Equal(MigrationJobKind.IncomingMigration, job.Kind);

            var error = Assert.Throws<MigrationException>(() => stopper.Stop(job, CancellationToken.None));

            Assert.Equal(ErrorIds.MigrationJobNotStoppable, error.ErrorId);
            Assert.Equal(VMState.Paused, Host("b").Guest("web1")!.State);
            Assert.DoesNotContain(Host("b").Calls, c => c.StartsWith("Destroy", StringComparison.Ordinal));
        }

        [Fact]
        public void A_job_that_does_not_end_after_the_abort_is_reported_within_the_timeout()
        {
            Host("a").AddGuest("db1");
            Host("a").Jobs["db1"] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.Dump, ElapsedMs = 100 };
            Host("a").AbortIgnored = true;
            stopper.Timeout = TimeSpan.FromMilliseconds(300);

            var error = Assert.Throws<MigrationException>(() => stopper.Stop(OnlyJob(), CancellationToken.None));

            Assert.Equal(ErrorIds.MigrationJobStillRunning, error.ErrorId);
        }

        [Fact]
        public void Another_kind_of_job_is_aborted_and_nothing_is_removed()
        {
            Host("a").AddGuest("db1");
            Host("a").Jobs["db1"] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.Backup, ElapsedMs = 100 };

            var result = stopper.Stop(OnlyJob(), CancellationToken.None);

            Assert.Equal(MigrationJobStopStatus.Aborted, result.Status);
            Assert.Equal(MigrationJobKind.Other, result.Kind);
            Assert.Empty(result.Removed);
            Assert.Empty(Host("a").Jobs);
        }
    }
}
