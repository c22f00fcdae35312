using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Execution.Evacuation;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>Get-MigrationJob's engine: every host's jobs, the two sides of a migration as one, a dead host as a failure that stalls nobody.</summary>
    public sealed class MigrationJobReaderTests : IDisposable
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;
        private readonly MigrationJobReader reader;
        private readonly string journals = Path.Combine(Path.GetTempPath(), "vmm-jobs-" + Guid.NewGuid().ToString("N"));

        public MigrationJobReaderTests()
        {
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders())) { CallTimeout = TimeSpan.FromMilliseconds(500) };
            foreach (var host in new[] { "a", "b", "c" })
            {
                cluster.AddHost("fake://" + host, host);
                registry.Connect(new HostUri("fake://" + host), host, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            }
            reader = new MigrationJobReader(registry) { JournalDirectory = journals };
        }

        public void Dispose()
        {
            foreach (var host in new[] { "a", "b", "c" }) cluster["fake://" + host].Thaw();
            if (Directory.Exists(journals)) Directory.Delete(journals, true);
        }

        private FakeHost Host(string name) => cluster["fake://" + name];

        private static JobProgress Outgoing(long total, long remaining, long elapsedMs) => new JobProgress
        {
            Kind = JobKind.Unbounded, Operation = JobOperation.MigrationOut, DataTotal = total, DataRemaining = remaining,
            DataProcessed = total - remaining, ElapsedMs = elapsedMs, MemoryIteration = 2,
        };

        /// <summary>web1 moving a -> b as another runner started it: running with an outgoing job on a, paused with an incoming one on b.</summary>
        private GuestInfo MigrationFromAToB(string name = "web1")
        {
            var vm = Host("a").AddGuest(name);
            Host("a").Jobs[name] = Outgoing(1000, 250, 12_500);
            Host("b").Put(new GuestInfo { Name = name, Uuid = vm.Uuid, State = VMState.Paused, MemoryMB = vm.MemoryMB, VCpuCount = 1 });
            Host("b").Jobs[name] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationIn };
            return vm;
        }

        private MigrationJobListing Read(Func<string, bool>? host = null, Func<string, bool>? vm = null) =>
            reader.Read(registry.Hosts, host, vm, CancellationToken.None);

        [Fact]
        public void The_outgoing_and_incoming_sides_of_a_migration_pair_up_into_one_job_with_both_hosts()
        {
            var vm = MigrationFromAToB();
            Host("a").AddGuest("idle");

            var listing = Read();

            Assert.Empty(listing.Failures);
            var job = Assert.Single(listing.Jobs);
            Assert.Equal("web1", job.VMName);
            Assert.Equal(vm.Uuid, job.Uuid);
            Assert.Equal(MigrationJobKind.LiveMigration, job.Kind);
            Assert.Equal("a", job.HostName);
            Assert.Equal("a", job.Source);
            Assert.Equal("b", job.Destination);
            Assert.Equal(75, job.PercentComplete);
            Assert.Equal(750, job.DataProcessedBytes);
            Assert.Equal(250, job.DataRemainingBytes);
            Assert.Equal(12.5, job.ElapsedSec);
            Assert.Equal(2, job.Iteration);
            Assert.Equal("", job.HeldBy); // started by another runner: this process does not hold it
        }

        [Fact]
        public void An_incoming_migration_whose_source_is_not_asked_shows_on_its_destination_without_a_source()
        {
            MigrationFromAToB();

            var job = Assert.Single(reader.Read(registry.Hosts.Where(h => h.Name != "a").ToList(), null, null, CancellationToken.None).Jobs);

            Assert.Equal(MigrationJobKind.IncomingMigration, job.Kind);
            Assert.Equal("b", job.HostName);
            Assert.Equal("", job.Source);
            Assert.Equal("b", job.Destination);
            Assert.Null(job.PercentComplete); // a destination does not report the job's size
        }

        [Fact]
        public void A_dead_host_becomes_a_failure_naming_it_and_does_not_stall_the_others()
        {
            MigrationFromAToB();
            Host("c").AddGuest("db1");
            Host("c").Freeze();
            var clock = Stopwatch.StartNew();

            var listing = Read();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
            var failure = Assert.Single(listing.Failures);
            Assert.Equal(Errors.ErrorIds.HostUnreachable, failure.ErrorId);
            Assert.Contains("'c'", failure.Message);
            Assert.Equal("b", Assert.Single(listing.Jobs).Destination);
        }

        [Fact]
        public void A_guest_whose_job_the_host_will_not_describe_is_passed_over_and_the_hosts_other_jobs_are_listed()
        {
            MigrationFromAToB();
            Host("b").AddGuest("odd");
            Host("b").JobReadErrors["odd"] = new Errors.MigrationException(Errors.ErrorIds.LibvirtError, Errors.ErrorKind.NotSpecified, "internal error: unexpected job state", "odd");

            var listing = Read();

            Assert.Empty(listing.Failures);
            Assert.Equal("b", Assert.Single(listing.Jobs).Destination);
        }

        [Fact]
        public void Filters_keep_the_jobs_of_the_named_hosts_on_either_side_and_of_the_named_vms()
        {
            MigrationFromAToB("web1");
            var db = Host("c").AddGuest("db1");
            Host("c").Jobs["db1"] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.Backup, ElapsedMs = 3000 };

            Assert.Equal(new[] { "web1" }, Read(host: h => h == "b").Jobs.Select(j => j.VMName));
            Assert.Equal(new[] { "db1" }, Read(host: h => h == "c").Jobs.Select(j => j.VMName));
            Assert.Equal(new[] { "db1" }, Read(vm: v => v == db.Uuid).Jobs.Select(j => j.VMName));
            Assert.Empty(Read(host: h => h == "c", vm: v => v.StartsWith("web", StringComparison.Ordinal)).Jobs);
            var backup = Assert.Single(Read(vm: v => v == "db1").Jobs);
            Assert.Equal(MigrationJobKind.Other, backup.Kind);
            Assert.Equal("Backup", backup.Operation);
            Assert.Equal("c", backup.HostName);
        }

        [Fact]
        public void A_failing_host_outside_the_filter_is_not_reported()
        {
            MigrationFromAToB();
            Host("c").Freeze();

            var listing = Read(host: h => h == "a");

            Assert.Empty(listing.Failures);
            Assert.Single(listing.Jobs);
        }

        [Fact]
        public async Task A_migration_this_process_runs_says_so_and_knows_its_destination_while_the_destination_is_not_asked()
        {
            var vm = Host("a").AddGuest("web1");
            var source = registry.Resolve("a");
            Host("a").Outcome = FakeOutcome.NeverConverge;
            Host("a").Samples.Add(new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationOut, DataTotal = 100, DataRemaining = 60, DataProcessed = 40 });
            using var stop = new CancellationTokenSource();
            var request = new LiveMigrationRequest(new LocatedVM(source, vm), registry.Resolve("b")) { Timeout = TimeSpan.FromSeconds(30), StallTimeout = TimeSpan.FromSeconds(30) };
            var move = Task.Run(() => new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(stop.Token));
            try
            {
                Assert.True(Eventually.Holds(() => Read().Jobs.Any(j => j.PercentComplete == 40)));

                var job = Assert.Single(reader.Read(new[] { source }, null, null, CancellationToken.None).Jobs);

                Assert.Equal(MigrationJobReader.ThisProcess, job.HeldBy);
                Assert.Equal("a", job.Source);
                Assert.Equal("b", job.Destination);
            }
            finally
            {
                stop.Cancel();
                await move.WaitAsync(TimeSpan.FromSeconds(10));
            }
            Assert.Empty(Read().Jobs);
        }

        [Fact]
        public void An_open_evacuation_journal_names_its_run_on_the_job_and_shows_a_journaled_move_no_host_runs()
        {
            var vm = MigrationFromAToB("web1");
            var cold = Host("a").AddGuest("cold1", VMState.ShutOff);
            var journal = EvacuationJournal.Create(Path.Combine(journals, "a.json"), "a", Host("a").HostUuid);
            journal.Record(new EvacuationJournalEntry { VMName = "web1", Uuid = vm.Uuid, Source = "a", Destination = "b" }.With(EvacuationStepState.InFlight));
            journal.Record(new EvacuationJournalEntry { VMName = "cold1", Uuid = cold.Uuid, Source = "a", Destination = "c" }.With(EvacuationStepState.InFlight));
            var finished = EvacuationJournal.Create(Path.Combine(journals, "c.json"), "c", Host("c").HostUuid);
            finished.Record(new EvacuationJournalEntry { VMName = "old", Uuid = Guid.NewGuid().ToString(), Source = "c", Destination = "a" }.With(EvacuationStepState.InFlight));
            finished.Close();

            var jobs = Read().Jobs;

            Assert.Equal(new[] { "cold1", "web1" }, jobs.Select(j => j.VMName).OrderBy(n => n));
            var live = jobs.Single(j => j.VMName == "web1");
            Assert.Equal(MigrationJobKind.LiveMigration, live.Kind);
            Assert.StartsWith("evacuation of 'a'", live.Run);
            var journaled = jobs.Single(j => j.VMName == "cold1");
            Assert.Equal(MigrationJobKind.JournaledMove, journaled.Kind);
            Assert.Equal("c", journaled.Destination);
            Assert.EndsWith("a.json", journaled.JournalPath);
        }
    }
}
