using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.HyperV;
using Xunit;

namespace VmMigration.Engine.Tests.Providers.HyperV
{
    /// <summary>
    /// The Hyper-V adapter over replayed CIM exchanges. Each expectation names the Microsoft documentation page it comes from
    /// (learn.microsoft.com/windows/win32/hyperv_v2/...), or OpenStack os-win's call order where Microsoft's pages say nothing.
    /// </summary>
    public sealed class HyperVHostConnectionTests
    {
        private const string WebGuid = "6B0B6C3E-0000-0000-0000-000000000001";
        private const string DbGuid = "6B0B6C3E-0000-0000-0000-000000000002";

        private static CimObject Vm(string name, string guid, ushort enabledState) => new CimObject("Msvm_ComputerSystem",
            new Dictionary<string, object?> { ["ElementName"] = name, ["Name"] = guid, ["EnabledState"] = enabledState, ["Caption"] = "Virtual Machine" },
            $"Msvm_ComputerSystem.Name=\"{guid}\"");

        // "Msvm_MemorySettingData class" / "Msvm_ProcessorSettingData class": VirtualQuantity is MiB / virtual processors; the
        // realized settings' InstanceID is "Microsoft:<VM GUID>\<device id>".
        private static CimObject Setting(string className, string guid, ulong quantity) => new CimObject(className,
            new Dictionary<string, object?> { ["InstanceID"] = $"Microsoft:{guid}\\4764334d-e001-4176-82ee-5594ec9b530e", ["VirtualQuantity"] = quantity });

        private static ReplayCimGateway TwoVms() => new ReplayCimGateway()
            // "Msvm_ComputerSystem class", EnabledState: 2 Enabled (running), 3 Disabled (off).
            .Answer("SELECT * FROM Msvm_ComputerSystem", Vm("web1", WebGuid, 2), Vm("db1", DbGuid, 3))
            .Answer("SELECT InstanceID, VirtualQuantity FROM Msvm_MemorySettingData",
                Setting("Msvm_MemorySettingData", WebGuid, 4096), Setting("Msvm_MemorySettingData", DbGuid, 8192),
                // A snapshot's settings carry the snapshot's GUID, not the VM's: never counted.
                Setting("Msvm_MemorySettingData", "FFFFFFFF-0000-0000-0000-00000000000F", 512))
            .Answer("SELECT InstanceID, VirtualQuantity FROM Msvm_ProcessorSettingData",
                Setting("Msvm_ProcessorSettingData", WebGuid, 2), Setting("Msvm_ProcessorSettingData", DbGuid, 4))
            .Answer(HyperVQueries.MigrationService, new CimObject("Msvm_VirtualSystemMigrationService", null, "service-path"));

        private static HyperVHostConnection Connection(ReplayCimGateway cim, string host = "hv01") =>
            HyperVProvider.Adapt($"hyperv://{host}", HyperVEndpoint.Parse($"hyperv://{host}"), cim, _ => { });

        [Fact]
        public void The_inventory_lists_each_vm_with_its_state_memory_and_vcpus()
        {
            var guests = Connection(TwoVms()).ListGuests();

            Assert.Equal(new[] { "web1", "db1" }, guests.Select(g => g.Name));
            Assert.Equal(new[] { VMState.Running, VMState.ShutOff }, guests.Select(g => g.State));
            Assert.Equal(new[] { 4096L, 8192L }, guests.Select(g => g.MemoryMB));
            Assert.Equal(new[] { 2, 4 }, guests.Select(g => g.VCpuCount));
            Assert.Equal(WebGuid, guests[0].Uuid);
        }

        [Fact]
        public void A_display_name_two_vms_share_is_ambiguous_and_a_guid_names_one()
        {
            // "Msvm_ComputerSystem class": ElementName is the display name (Hyper-V does not keep it unique), Name the VM's GUID.
            var cim = TwoVms().Answer("SELECT * FROM Msvm_ComputerSystem", Vm("web1", WebGuid, 2), Vm("web1", DbGuid, 3));
            var connection = Connection(cim);

            var error = Assert.Throws<MigrationException>(() => connection.FindGuest("web1"));

            Assert.Equal(ErrorIds.AmbiguousVmName, error.ErrorId);
            Assert.Contains(DbGuid, error.Message);
            Assert.Equal(VMState.ShutOff, connection.FindGuest(DbGuid.ToLowerInvariant())!.State);
        }

        [Theory]
        // "Msvm_ComputerSystem class" EnabledState (v2) and "RequestStateChange method of the Msvm_ComputerSystem class" (v1 values).
        [InlineData(2, VMState.Running)]
        [InlineData(3, VMState.ShutOff)]
        [InlineData(4, VMState.ShuttingDown)]
        [InlineData(6, VMState.Suspended)]
        [InlineData(9, VMState.Paused)]
        [InlineData(32768, VMState.Paused)]
        [InlineData(32769, VMState.Suspended)]
        [InlineData(10, VMState.Unknown)]
        public void A_vm_state_is_told_in_our_terms(int enabledState, VMState expected) =>
            Assert.Equal(expected, HyperVGuestStates.ToVmState((ushort)enabledState));

        [Fact]
        public void Host_facts_come_from_the_operating_system_classes()
        {
            // "Win32_OperatingSystem class": TotalVisibleMemorySize and FreePhysicalMemory in KiB; Version is the build.
            var cim = TwoVms()
                .Answer("SELECT CSName, Version, TotalVisibleMemorySize, FreePhysicalMemory FROM Win32_OperatingSystem", new CimObject("Win32_OperatingSystem",
                    new Dictionary<string, object?> { ["CSName"] = "HV01", ["Version"] = "10.0.20348", ["TotalVisibleMemorySize"] = 268435456UL, ["FreePhysicalMemory"] = 134217728UL }))
                .Answer("SELECT DNSHostName, NumberOfLogicalProcessors FROM Win32_ComputerSystem", new CimObject("Win32_ComputerSystem",
                    new Dictionary<string, object?> { ["DNSHostName"] = "hv01", ["NumberOfLogicalProcessors"] = 64U }))
                .Answer("SELECT UUID FROM Win32_ComputerSystemProduct", new CimObject("Win32_ComputerSystemProduct",
                    new Dictionary<string, object?> { ["UUID"] = "4C4C4544-0000-0000-0000-000000000001" }));

            var facts = Connection(cim).GetHostFacts();

            Assert.Equal(262144, facts.MemoryMB);
            Assert.Equal(131072, facts.FreeMemoryMB);
            Assert.Equal(64, facts.CpuCount);
            Assert.Equal("Hyper-V", facts.HypervisorType);
            Assert.Equal("10.0.20348", facts.HypervisorVersion);
            Assert.Equal("4C4C4544-0000-0000-0000-000000000001", facts.HostUuid);
        }

        [Fact]
        public void A_host_without_the_migration_service_is_not_taken_for_a_hyper_v_host()
        {
            var error = Assert.Throws<MigrationException>(() => Connection(new ReplayCimGateway()));

            Assert.Equal(ErrorIds.HypervisorProviderUnavailable, error.ErrorId);
            Assert.Contains("Hyper-V role", error.Message);
        }

        [Fact]
        public void A_move_that_runs_and_completes_returns_completed_statistics()
        {
            // "MigrateVirtualSystemToHost method of the Msvm_VirtualSystemMigrationService class": 4096 = job started;
            // "Msvm_ConcreteJob class": JobState 4 Running, 7 Completed.
            var cim = TwoVms().Returns(ReplayCimGateway.JobStarted()).JobReads(ReplayCimGateway.Job(4, 50), ReplayCimGateway.Job(7, 100));
            var connection = Connection(cim);
            connection.ListGuests();

            var completed = connection.MigrateLive("web1", "hyperv://hv02", new LiveMigrationParameters());

            Assert.Equal(JobKind.Completed, completed.Kind);
            Assert.Equal(4096L * 1024 * 1024, completed.DataProcessed);
            Assert.Equal("hv02", Assert.Single(cim.Calls).In["DestinationHost"]);
        }

        [Fact]
        public void An_encrypted_move_is_refused_before_anything_moves()
        {
            // "Msvm_VirtualSystemMigrationSettingData class": TransportType is TCP or SMB; neither is encrypted by the migration
            // service itself, so the engine's -Encryption Auto must hear it before the move to fall back, and say so.
            var cim = TwoVms();

            var error = Assert.Throws<MigrationException>(() => Connection(cim).MigrateLive("web1", "hyperv://hv02", new LiveMigrationParameters { Encrypted = true }));

            Assert.Equal(ErrorIds.EncryptionUnavailable, error.ErrorId);
            Assert.True(VmMigration.Execution.Live.MigrationTls.IsSetupFailure(error));
            Assert.Empty(cim.Calls);
        }

        [Fact]
        public void A_move_that_fails_says_each_error_hyper_v_gives_for_it()
        {
            // "Msvm_ConcreteJob class": JobState 10 Exception, ErrorCode 32768+ ("Failed"), ErrorDescription; "GetErrorEx method of
            // the Msvm_ConcreteJob class": Errors[] are embedded Msvm_Error instances ("Msvm_Error class": Message, MessageID).
            var error = EmbeddedMsvmError("Virtual machine migration operation for 'web1' failed at migration destination 'hv02'.", "21502");
            var cim = TwoVms().Returns(ReplayCimGateway.JobStarted())
                .JobReads(ReplayCimGateway.Job(10, 20, 32768, "Failed"))
                .Returns(new CimMethodResult(0, new Dictionary<string, object?> { ["Errors"] = new[] { error } }));

            var failure = Assert.Throws<HyperVJobFailure>(() => Connection(cim).MigrateLive("web1", "hyperv://hv02", new LiveMigrationParameters()));

            Assert.Equal(ErrorIds.MigrationFailed, failure.ErrorId);
            Assert.Contains("32768", failure.Message);
            Assert.Contains("failed at migration destination 'hv02'. (21502)", failure.Message);
            Assert.Equal("GetErrorEx", cim.Calls[1].Method);
        }

        [Fact]
        public void A_running_migration_job_is_seen_and_cancelled_on_the_source()
        {
            // "Msvm_MigrationJob class": VirtualSystemName is the VM's GUID, PercentComplete its progress; cancelling is
            // "RequestStateChange method of the Msvm_ConcreteJob class" with RequestedState 4 (Terminate).
            var running = new CimObject("Msvm_MigrationJob", new Dictionary<string, object?>
            {
                ["VirtualSystemName"] = WebGuid, ["JobState"] = (ushort)4, ["PercentComplete"] = (ushort)25, ["ElapsedTime"] = TimeSpan.FromSeconds(12),
            }, "Msvm_MigrationJob.InstanceID=\"J7\"");
            var cim = TwoVms().Answer("SELECT * FROM Msvm_MigrationJob", running);
            var connection = Connection(cim);
            connection.ListGuests();

            var progress = connection.GetJobProgress("web1");
            connection.AbortJob("web1");

            Assert.NotNull(progress);
            Assert.Equal(12000, progress!.ElapsedMs);
            Assert.Equal(3072L * 1024 * 1024, progress.DataRemaining);
            var cancel = Assert.Single(cim.Calls);
            Assert.Equal("RequestStateChange", cancel.Method);
            Assert.Equal((ushort)4, cancel.In["RequestedState"]);
        }

        [Fact]
        public void A_vm_without_a_running_job_has_no_progress_and_nothing_to_cancel()
        {
            // "Msvm_ConcreteJob class": JobState 7 Completed is final; such a job is history, not a running move.
            var finished = new CimObject("Msvm_MigrationJob", new Dictionary<string, object?> { ["VirtualSystemName"] = WebGuid, ["JobState"] = (ushort)7 }, "J6");
            var cim = TwoVms().Answer("SELECT * FROM Msvm_MigrationJob", finished);
            var connection = Connection(cim);

            Assert.Null(connection.GetJobProgress("web1"));
            connection.AbortJob("web1");
            Assert.Empty(cim.Calls);
        }

        [Fact]
        public void An_incompatible_destination_gives_one_reason_per_msvm_error()
        {
            // Windows-classic-samples Hyper-V/Migration (CheckCompatibility) and "CheckSystemCompatibilityInfo method of the
            // Msvm_VirtualSystemMigrationService class": the source's GetSystemCompatibilityInfo blob is checked on the
            // destination; 32784 = Not compatible, with Reasons[] as embedded Msvm_Error instances.
            var source = TwoVms()
                .Returns(new CimMethodResult(0, new Dictionary<string, object?> { ["CompatibilityInfo"] = new byte[] { 1, 2, 3 } }))
                // "CheckVirtualSystemIsMigratableToHost method": completed, IsMigratable true.
                .Returns(new CimMethodResult(0, new Dictionary<string, object?> { ["IsMigratable"] = true }));
            var destination = MigrationEnabled(TwoVms()).Returns(new CimMethodResult(32784, new Dictionary<string, object?>
            {
                ["Reasons"] = new[]
                {
                    EmbeddedMsvmError("The virtual machine is using processor-specific features not supported on physical computer 'HV02'.", "24004"),
                    EmbeddedMsvmError("The virtual machine's configuration version 12.0 is not supported on 'HV02'.", "24010"),
                },
            }));
            var definition = Connection(source).GetLiveGuestDefinition("web1");

            var answer = Connection(destination, "hv02").CheckGuestCpu(definition);

            Assert.False(answer.Compatible);
            Assert.Equal(new[] { ErrorIds.HyperVIncompatible, ErrorIds.HyperVIncompatible }, answer.Reasons.Select(r => r.ErrorId));
            Assert.Contains("processor-specific features", answer.Reasons[0].Message);
            Assert.Contains("(24010)", answer.Reasons[1].Message);
            Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])Assert.Single(destination.Calls).In["CompatibilityInfo"]!);
        }

        [Fact]
        public void The_sources_own_check_of_the_move_adds_its_errors_as_reasons()
        {
            // "CheckVirtualSystemIsMigratableToHost method of the Msvm_VirtualSystemMigrationService class", run as a job (4096)
            // that ends in JobState 10 Exception; its GetErrorEx errors are the reasons.
            var source = TwoVms()
                .Returns(new CimMethodResult(32770)) // GetSystemCompatibilityInfo: "Not supported"; the blob is then absent
                .Returns(ReplayCimGateway.JobStarted())
                .JobReads(ReplayCimGateway.Job(10, 0, 32768, "Failed"))
                .Returns(new CimMethodResult(0, new Dictionary<string, object?>
                {
                    ["Errors"] = new[] { EmbeddedMsvmError("The virtual switch 'LAN' used by 'web1' is not found on 'hv02'.", "21026") },
                }));
            var definition = Connection(source).GetLiveGuestDefinition("web1");

            var answer = Connection(MigrationEnabled(TwoVms()), "hv02").CheckGuestCpu(definition);

            var reason = Assert.Single(answer.Reasons);
            Assert.Equal(ErrorIds.HyperVIncompatible, reason.ErrorId);
            Assert.Contains("virtual switch 'LAN'", reason.Message);
            Assert.Equal("CheckVirtualSystemIsMigratableToHost", source.Calls[1].Method);
            Assert.Equal("hv02", source.Calls[1].In["DestinationHost"]);
        }

        [Fact]
        public void A_destination_that_refuses_incoming_migrations_says_so_as_a_reason()
        {
            // "Msvm_VirtualSystemMigrationServiceSettingData class": EnableVirtualSystemMigration false.
            var source = TwoVms().Returns(new CimMethodResult(0, new Dictionary<string, object?> { ["CompatibilityInfo"] = new byte[] { 9 } }));
            var destination = TwoVms().Answer("SELECT * FROM Msvm_VirtualSystemMigrationServiceSettingData",
                new CimObject("Msvm_VirtualSystemMigrationServiceSettingData", new Dictionary<string, object?> { ["EnableVirtualSystemMigration"] = false }));
            var definition = Connection(source).GetLiveGuestDefinition("web1");

            var answer = Connection(destination, "hv02").CheckGuestCpu(definition);

            Assert.Equal(ErrorIds.MigrationDisabledOnDestination, answer.Reasons[0].ErrorId);
        }

        [Fact]
        public void What_hyper_v_cannot_do_is_refused_with_its_own_id_and_reads_have_an_empty_answer()
        {
            var connection = Connection(TwoVms());

            var error = Assert.Throws<MigrationException>(() => connection.ReadGuestMemory("web1", 0, 4096));
            var lease = Assert.Throws<MigrationException>(() => connection.TryTakeLease(HostLease.ForThisProcess(HostLease.Run, "test", DateTime.UtcNow, null)));

            Assert.Equal(ErrorIds.NotSupportedOnHyperV, error.ErrorId);
            Assert.Contains("hyperv://hv01", error.Message);
            Assert.Contains("not kept on Hyper-V hosts yet", lease.Message);
            Assert.Empty(connection.ListLeases());
            Assert.Empty(connection.ListStoragePoolNames());
            Assert.Null(connection.GetBalanceRecord("web1"));
        }

        private static ReplayCimGateway MigrationEnabled(ReplayCimGateway cim) => cim
            .Answer("SELECT * FROM Msvm_VirtualSystemMigrationServiceSettingData",
                new CimObject("Msvm_VirtualSystemMigrationServiceSettingData", new Dictionary<string, object?> { ["EnableVirtualSystemMigration"] = true }))
            .Answer("SELECT * FROM Msvm_VirtualSystemMigrationNetworkSettingData",
                new CimObject("Msvm_VirtualSystemMigrationNetworkSettingData", new Dictionary<string, object?> { ["Subnets"] = new[] { "10.0.0.0/24" } }));

        /// <summary>An Msvm_Error as CIM-XML text, the form WMI gives embedded instances in string arrays.</summary>
        private static string EmbeddedMsvmError(string message, string messageId) =>
            EmbeddedInstanceText.Serialize(new CimObject("Msvm_Error", new Dictionary<string, object?> { ["Message"] = message, ["MessageID"] = messageId }));
    }
}
