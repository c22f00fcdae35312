using System;
using System.Linq;
using Xunit;

namespace VmMigration.Commands.Tests.Binding
{
    /// <summary>
    /// Every way a runbook hands Move-VMLive its VMs: names, Get-MigrationVM objects, objects with a VMName or Name
    /// property, plan steps and whole plans. Each must move exactly the VMs it names to where it says.
    /// </summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class MoveVMLiveBindingTests : IDisposable
    {
        private static readonly string[] VMs = { "web1", "web2", "db1" };
        private readonly FakeSession session = new FakeSession();

        public MoveVMLiveBindingTests() => session.ConnectTwoHostsWithVMsOnHost1(VMs);

        public void Dispose() => session.Dispose();

        private void AssertMovedToHost2(ScriptRun run, params string[] vms)
        {
            Assert.Empty(run.Errors);
            var results = run.Objects<MigrationResult>();
            Assert.Equal(vms.OrderBy(v => v), results.Select(r => r.VMName).OrderBy(v => v));
            Assert.All(results, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            Assert.All(results, r => Assert.Equal("host2", r.Destination));
            foreach (var vm in VMs)
            {
                Assert.Equal(new[] { vms.Contains(vm) ? "host2" : "host1" }, session.HostsOf(vm));
            }
        }

        [Fact]
        public void Names_as_parameter() =>
            AssertMovedToHost2(session.Run("Move-VMLive -VM web1, web2 -Destination host2"), "web1", "web2");

        [Fact]
        public void Names_from_the_pipeline() =>
            AssertMovedToHost2(session.Run("'web1', 'web2' | Move-VMLive -Destination host2"), "web1", "web2");

        [Fact]
        public void VM_objects_from_Get_MigrationVM() =>
            AssertMovedToHost2(session.Run("Get-MigrationVM -Name web* | Move-VMLive -Destination host2"), "web1", "web2");

        [Fact]
        public void A_host_object_from_Get_MigrationHost_as_the_destination() =>
            AssertMovedToHost2(session.Run("Move-VMLive -VM web1 -Destination (Get-MigrationHost -Name host2)"), "web1");

        [Theory]
        [InlineData("VMName")]
        [InlineData("Name")]
        public void Objects_with_a_VM_name_property_and_a_Destination_property(string property) =>
            AssertMovedToHost2(session.Run($"[pscustomobject]@{{ {property} = 'web2'; Destination = 'host2' }} | Move-VMLive"), "web2");

        [Fact]
        public void Plan_steps_bind_by_VMName_and_Destination() =>
            AssertMovedToHost2(session.Run("(Get-MigrationPlan -Goal Evacuate -HostName host1).Steps | Where-Object VMName -like 'web*' | Move-VMLive"), "web1", "web2");

        [Fact]
        public void A_whole_plan_runs_every_step() =>
            AssertMovedToHost2(session.Run("Get-MigrationPlan -Goal Evacuate -HostName host1 -WarningAction SilentlyContinue | Move-VMLive"), VMs);
    }
}
