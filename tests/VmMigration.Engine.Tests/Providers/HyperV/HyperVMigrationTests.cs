using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.HyperV;
using Xunit;

namespace VmMigration.Engine.Tests.Providers.HyperV
{
    /// <summary>Hyper-V migration over replayed CIM exchanges, each expectation taken from Microsoft's Hyper-V WMI documentation.</summary>
    public sealed class HyperVMigrationTests
    {
        private static readonly CimObject Vm = new CimObject("Msvm_ComputerSystem",
            new Dictionary<string, object?> { ["ElementName"] = "web1", ["Name"] = "6B0B6C3E-0000-0000-0000-000000000001" }, "vm-path");

        private static ReplayCimGateway Source() => new ReplayCimGateway()
            .Answer("SELECT * FROM Msvm_ComputerSystem", Vm)
            .Answer("SELECT * FROM Msvm_VirtualSystemMigrationService", new CimObject("Msvm_VirtualSystemMigrationService", null, "service-path"));

        private static HyperVMigration Migration(ReplayCimGateway source) => new HyperVMigration(source, new HyperVJob(source, TimeSpan.Zero, _ => { }));

        [Fact]
        public void A_job_that_runs_and_completes_reports_its_progress_and_asks_for_a_vm_only_move()
        {
            // Msvm_ConcreteJob: JobState 4 Running, 7 Completed; MigrateVirtualSystemToHost returns 4096 "job started".
            var source = Source().Returns(ReplayCimGateway.JobStarted()).JobReads(ReplayCimGateway.Job(4, 40), ReplayCimGateway.Job(7, 100));
            var percents = new List<int>();

            Migration(source).Migrate("web1", "hv02", new LiveMigrationParameters(), TimeSpan.FromMinutes(1), new SyncProgress(percents), CancellationToken.None);

            Assert.Equal(new[] { 40, 100 }, percents);
            var call = Assert.Single(source.Calls);
            Assert.Equal("MigrateVirtualSystemToHost", call.Method);
            Assert.Equal("hv02", call.In["DestinationHost"]);
            // Msvm_VirtualSystemMigrationSettingData.MigrationType 32768 = VirtualSystem (no storage).
            Assert.Contains("<PROPERTY NAME=\"MigrationType\" TYPE=\"uint16\"><VALUE>32768</VALUE></PROPERTY>", (string)call.In["MigrationSettingData"]!);
        }

        [Fact]
        public void A_move_with_storage_asks_for_vm_and_storage()
        {
            // MigrationType 32771 = VirtualSystemAndStorage.
            var source = Source();
            Migration(source).Migrate("web1", "hv02", new LiveMigrationParameters { CopyStorage = true }, TimeSpan.FromMinutes(1), null, CancellationToken.None);

            Assert.Contains("<VALUE>32771</VALUE>", (string)Assert.Single(source.Calls).In["MigrationSettingData"]!);
        }

        [Fact]
        public void A_job_that_fails_with_a_migration_error_code_says_the_code_and_description()
        {
            // Msvm_ConcreteJob JobState 10 Exception, ErrorCode in the 32768+ range, ErrorDescription text.
            var source = Source().Returns(ReplayCimGateway.JobStarted())
                .JobReads(ReplayCimGateway.Job(10, 12, 32784, "The virtual machine cannot be moved: the destination ran out of memory."));

            var error = Assert.ThrowsAny<MigrationException>(() =>
                Migration(source).Migrate("web1", "hv02", new LiveMigrationParameters(), TimeSpan.FromMinutes(1), null, CancellationToken.None));

            Assert.Equal(ErrorIds.MigrationFailed, error.ErrorId);
            Assert.Contains("32784", error.Message);
            Assert.Contains("ran out of memory", error.Message);
        }

        [Fact]
        public void A_method_return_code_other_than_0_or_4096_is_an_error_and_no_job_is_polled()
        {
            // Return codes: 0 Completed, 4096 Method parameters checked - job started; others (e.g. 32775 Invalid state) are failures.
            var source = Source().Returns(new CimMethodResult(32775));

            var error = Assert.Throws<MigrationException>(() =>
                Migration(source).Migrate("web1", "hv02", new LiveMigrationParameters(), TimeSpan.FromMinutes(1), null, CancellationToken.None));

            Assert.Equal(ErrorIds.HyperVMethodFailed, error.ErrorId);
            Assert.Contains("32775", error.Message);
        }

        [Fact]
        public void Cancelling_asks_the_job_to_terminate_and_ends_as_aborted()
        {
            // Msvm_ConcreteJob.RequestStateChange RequestedState 4 = Terminate; the job then ends in JobState 8 Terminated.
            var source = Source().Returns(ReplayCimGateway.JobStarted()).JobReads(ReplayCimGateway.Job(4, 30), ReplayCimGateway.Job(8, 30));
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();

            var error = Assert.ThrowsAny<MigrationException>(() =>
                Migration(source).Migrate("web1", "hv02", new LiveMigrationParameters(), TimeSpan.FromMinutes(1), null, cancel.Token));

            Assert.Equal(ErrorIds.MigrationAborted, error.ErrorId);
            Assert.Equal("RequestStateChange", source.Calls[1].Method);
            Assert.Equal((ushort)4, source.Calls[1].In["RequestedState"]);
        }

        [Theory]
        [InlineData("post-copy")]
        [InlineData("auto-converge")]
        [InlineData("compression")]
        [InlineData("max-downtime")]
        public void An_option_hyper_v_has_not_is_refused_before_anything_is_asked(string option)
        {
            var parameters = new LiveMigrationParameters
            {
                AllowPostCopy = option == "post-copy",
                AutoConverge = option == "auto-converge",
                Compression = option == "compression" ? "Xbzrle" : "None",
                InitialMaxDowntimeMs = option == "max-downtime" ? 300 : 0,
            };
            var source = Source();

            var error = Assert.Throws<MigrationException>(() =>
                Migration(source).Migrate("web1", "hv02", parameters, TimeSpan.FromMinutes(1), null, CancellationToken.None));

            Assert.Equal(ErrorIds.OptionNotSupportedOnHyperV, error.ErrorId);
            Assert.Contains(option, error.Message);
            Assert.Empty(source.Calls);
        }

        [Fact]
        public void A_destination_with_migration_disabled_is_refused()
        {
            // Msvm_VirtualSystemMigrationServiceSettingData.EnableVirtualSystemMigration false: incoming migrations are off.
            var destination = new ReplayCimGateway().Answer("SELECT * FROM Msvm_VirtualSystemMigrationServiceSettingData",
                new CimObject("Msvm_VirtualSystemMigrationServiceSettingData", new Dictionary<string, object?> { ["EnableVirtualSystemMigration"] = false }));

            var error = Assert.Throws<MigrationException>(() => HyperVMigration.RequireMigrationEnabled(destination, "hv02"));

            Assert.Equal(ErrorIds.MigrationDisabledOnDestination, error.ErrorId);
            Assert.Contains("Enable-VMMigration", error.Message);
        }

        [Fact]
        public void A_destination_with_migration_enabled_and_a_network_is_accepted()
        {
            // Msvm_VirtualSystemMigrationNetworkSettingData.Subnets: the networks incoming migrations are accepted on.
            var destination = new ReplayCimGateway()
                .Answer("SELECT * FROM Msvm_VirtualSystemMigrationServiceSettingData",
                    new CimObject("Msvm_VirtualSystemMigrationServiceSettingData", new Dictionary<string, object?> { ["EnableVirtualSystemMigration"] = true }))
                .Answer("SELECT * FROM Msvm_VirtualSystemMigrationNetworkSettingData",
                    new CimObject("Msvm_VirtualSystemMigrationNetworkSettingData", new Dictionary<string, object?> { ["Subnets"] = new[] { "10.0.0.0/24" } }));

            HyperVMigration.RequireMigrationEnabled(destination, "hv02");
        }

        private sealed class SyncProgress : IProgress<int>
        {
            private readonly List<int> seen;
            public SyncProgress(List<int> seen) => this.seen = seen;
            public void Report(int value) => seen.Add(value);
        }
    }
}
