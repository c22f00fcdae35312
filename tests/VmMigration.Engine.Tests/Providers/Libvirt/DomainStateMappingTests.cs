using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class DomainStateMappingTests
    {
        [Theory]
        [InlineData(0, VMState.Unknown)]
        [InlineData(1, VMState.Running)]
        [InlineData(2, VMState.Blocked)]
        [InlineData(3, VMState.Paused)]
        [InlineData(4, VMState.ShuttingDown)]
        [InlineData(5, VMState.ShutOff)]
        [InlineData(6, VMState.Crashed)]
        [InlineData(7, VMState.Suspended)]
        [InlineData(8, VMState.Unknown)]
        public void Maps_virDomainState(int libvirtState, VMState expected) => Assert.Equal(expected, DomainStateMapping.ToVmState(libvirtState));

        [Theory]
        [InlineData(0, JobKind.None)]
        [InlineData(1, JobKind.Bounded)]
        [InlineData(2, JobKind.Unbounded)]
        [InlineData(3, JobKind.Completed)]
        [InlineData(4, JobKind.Failed)]
        [InlineData(5, JobKind.Cancelled)]
        [InlineData(99, JobKind.None)]
        public void Maps_virDomainJobType(int libvirtJobType, JobKind expected) => Assert.Equal(expected, DomainStateMapping.ToJobKind(libvirtJobType));
    }
}
