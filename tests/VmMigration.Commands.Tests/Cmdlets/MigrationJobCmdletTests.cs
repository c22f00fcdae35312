using System;
using System.Linq;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>Get-MigrationJob and Stop-MigrationJob at the prompt, over jobs another runner started on the fake hosts.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class MigrationJobCmdletTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();
        private readonly FakeHost host1;
        private readonly FakeHost host2;
        private readonly FakeHost host3;
        private readonly TimeSpan callTimeout = HostRegistry.Default.CallTimeout;

        public MigrationJobCmdletTests()
        {
            var hosts = session.Connect("host1", "host2", "host3");
            (host1, host2, host3) = (hosts[0], hosts[1], hosts[2]);
            host1.AddGuest("idle");
        }

        public void Dispose()
        {
            host3.Thaw();
            HostRegistry.Default.CallTimeout = callTimeout;
            session.Dispose();
        }

        /// <summary>A migration host1 -> host2 as a runner outside this session drives it: outgoing job on host1, paused incoming copy on host2.</summary>
        private void MigrationFromHost1ToHost2(string name)
        {
            var vm = host1.AddGuest(name);
            host1.Jobs[name] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationOut, DataTotal = 400, DataRemaining = 100, DataProcessed = 300, ElapsedMs = 9000 };
            host2.Put(new GuestInfo { Name = name, Uuid = vm.Uuid, State = VMState.Paused, MemoryMB = vm.MemoryMB, VCpuCount = 1 });
            host2.Jobs[name] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationIn };
        }

        [Fact]
        public void Get_MigrationJob_shows_each_migration_once_with_its_source_destination_and_progress_and_filters_by_host_and_vm()
        {
            MigrationFromHost1ToHost2("web1");
            MigrationFromHost1ToHost2("web2");

            var all = session.Run("Get-MigrationJob");
            var byVm = session.Run("Get-MigrationJob -VM web1");
            var byDestination = session.Run("Get-MigrationJob -HostName host2");
            var byOtherHost = session.Run("Get-MigrationJob -HostName host3");

            Assert.Empty(all.Errors);
            var jobs = all.Objects<MigrationJob>();
            Assert.Equal(new[] { "web1", "web2" }, jobs.Select(j => j.VMName));
            Assert.All(jobs, j =>
            {
                Assert.Equal(MigrationJobKind.LiveMigration, j.Kind);
                Assert.Equal("host1", j.Source);
                Assert.Equal("host2", j.Destination);
                Assert.Equal(75, j.PercentComplete);
                Assert.Equal(9, j.ElapsedSec);
            });
            Assert.Equal(new[] { "web1" }, byVm.Objects<MigrationJob>().Select(j => j.VMName));
            Assert.Equal(2, byDestination.Objects<MigrationJob>().Count);
            Assert.Empty(byOtherHost.Objects<MigrationJob>());
        }

        [Fact]
        public void Get_MigrationJob_names_a_host_that_is_not_connected_and_lists_the_jobs_of_the_others()
        {
            MigrationFromHost1ToHost2("web1");

            var run = session.Run("Get-MigrationJob -HostName nosuch, host1");

            Assert.Equal("HostNotFound,VmMigration.Commands.GetMigrationJobCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
            Assert.Equal("web1", Assert.Single(run.Objects<MigrationJob>()).VMName);
        }

        [Fact]
        public void Get_MigrationJob_warns_about_a_host_that_does_not_answer_and_lists_the_others()
        {
            MigrationFromHost1ToHost2("web1");
            HostRegistry.Default.CallTimeout = TimeSpan.FromMilliseconds(500);
            host3.Freeze();

            var run = session.Run("Get-MigrationJob");

            Assert.Equal("web1", Assert.Single(run.Objects<MigrationJob>()).VMName);
            Assert.Contains(run.Warnings, w => w.Contains("'host3'", StringComparison.Ordinal));
        }

        [Fact]
        public void Stop_MigrationJob_aborts_on_the_source_and_leaves_the_vm_there_alone()
        {
            MigrationFromHost1ToHost2("web1");

            var run = session.Run("Get-MigrationJob -VM web1 | Stop-MigrationJob -Confirm:$false");

            Assert.Empty(run.Errors);
            var result = Assert.Single(run.Objects<MigrationJobStopResult>());
            Assert.Equal(MigrationJobStopStatus.Aborted, result.Status);
            Assert.Equal("host1", result.RunningOn);
            Assert.Equal(new[] { "paused copy of 'web1' on 'host2'" }, result.Removed);
            Assert.Contains("Abort web1", host1.Calls);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            Assert.Empty(session.Run("Get-MigrationJob").Objects<MigrationJob>());
        }

        [Fact]
        public void Stop_MigrationJob_WhatIf_changes_nothing()
        {
            MigrationFromHost1ToHost2("web1");

            var byName = session.Run("Stop-MigrationJob -VM web1 -WhatIf");
            var piped = session.Run("Get-MigrationJob | Stop-MigrationJob -Force -WhatIf");

            Assert.Empty(byName.Errors);
            Assert.Empty(piped.Errors);
            Assert.Empty(byName.Objects<MigrationJobStopResult>());
            Assert.Empty(piped.Objects<MigrationJobStopResult>());
            Assert.DoesNotContain(host1.Calls, c => c.StartsWith("Abort", StringComparison.Ordinal));
            Assert.Empty(host2.Calls);
            Assert.Equal(new[] { "host1", "host2" }, session.HostsOf("web1"));
            Assert.Single(session.Run("Get-MigrationJob").Objects<MigrationJob>());
        }

        [Fact]
        public void Stop_MigrationJob_of_a_vm_with_no_job_is_a_MigrationJobNotFound_error_and_the_others_are_stopped()
        {
            MigrationFromHost1ToHost2("web1");

            var run = session.Run("Stop-MigrationJob -VM idle, web1 -Force");

            var error = Assert.Single(run.Errors);
            Assert.Equal("MigrationJobNotFound,VmMigration.Commands.StopMigrationJobCommand", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("web1", Assert.Single(run.Objects<MigrationJobStopResult>()).VMName);
            Assert.Equal(VMState.Running, host1.Guest("idle")!.State);
        }
    }
}
