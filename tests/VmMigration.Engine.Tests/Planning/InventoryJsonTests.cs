using System;
using System.Collections.Generic;
using VmMigration.Planning;
using Xunit;
using VmMigration.Errors;

namespace VmMigration.Tests.Planning
{
    public class InventoryJsonTests
    {
        [Fact]
        public void Snapshot_round_trips_byte_for_byte()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2", state: HostState.Maintenance).VM("a", "h1", dirtyRateMBps: 12.5).Build();
            inventory.VMs.Add(new InventoryVM { Name = "unsampled", HostName = "h2", MemoryMB = 1024, VCpuCount = 1 });
            var json = InventoryJson.Serialize(inventory);
            Assert.Equal(json, InventoryJson.Serialize(InventoryJson.Parse(json)));
            Assert.Contains("\"State\": \"Maintenance\"", json);
            Assert.Null(InventoryJson.Parse(json).VMs[1].CpuUsagePercent);
        }

        [Fact]
        public void Broken_JSON_names_the_line()
        {
            var error = PlanAssert.Throws(ErrorIds.InvalidInventory, () => InventoryJson.Parse("{\n  \"Hosts\": [\n    { \"Name\": \"h1\" \"CpuCount\": 4 }\n  ]\n}"));
            Assert.Contains("line 3", error.Message);
        }

        [Fact]
        public void A_VM_on_an_unknown_host_names_the_field()
        {
            var json = "{ \"SnapshotTime\": \"2026-01-31T12:00:00Z\", \"Hosts\": [ { \"Name\": \"h1\", \"CpuCount\": 4, \"MemoryMB\": 8192, \"State\": \"Connected\" } ],"
                + " \"VMs\": [ { \"Name\": \"a\", \"HostName\": \"h7\", \"VCpuCount\": 1, \"MemoryMB\": 512 } ] }";
            var error = PlanAssert.Throws(ErrorIds.InvalidInventory, () => InventoryJson.Parse(json));
            Assert.Equal("VMs[0].HostName", error.Target);
            Assert.Contains("h7", error.Message);
        }

        [Fact]
        public void A_bad_date_names_the_field()
        {
            var error = PlanAssert.Throws(ErrorIds.InvalidInventory, () => InventoryJson.Parse("{ \"SnapshotTime\": \"yesterday\" }"));
            Assert.Contains("SnapshotTime", error.Message);
        }

        [Fact]
        public void Built_from_session_objects_it_keeps_sizes_states_and_dirty_rates()
        {
            var hosts = new[] { new MigrationHost { Name = "h1", CpuCount = 8, MemoryMB = 16384, State = HostState.Connected } };
            var vms = new[] { new MigrationVM { Name = "a", HostName = "h1", MemoryMB = 2048, VCpuCount = 2, DirtyRateMBps = 3 } };
            var inventory = ClusterInventory.FromSession(hosts, vms, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                new Dictionary<string, double> { ["a"] = 40 });
            Assert.Equal(40, inventory.VMs[0].CpuUsagePercent);
            Assert.Equal(3, inventory.VMs[0].DirtyRateMBps);
            Assert.Equal(8, inventory.Hosts[0].CpuCount);
        }

        [Fact]
        public void Fingerprint_ignores_usage_but_not_placement_or_size()
        {
            var inventory = new ClusterBuilder().Host("h1").Host("h2").VM("a", "h1").Build();
            var original = InventoryFingerprint.Compute(inventory);
            inventory.VMs[0].CpuUsagePercent = 99;
            inventory.VMs[0].DirtyRateMBps = 500;
            Assert.Equal(original, InventoryFingerprint.Compute(inventory));
            inventory.VMs[0].HostName = "h2";
            Assert.NotEqual(original, InventoryFingerprint.Compute(inventory));
        }
    }
}
