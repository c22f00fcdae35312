using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    /// <summary>What Test-VMMigration lists when the destination's hypervisor gives reasons of its own.</summary>
    public class MigrationPreflightTests
    {
        [Fact]
        public void Each_reason_the_destinations_hypervisor_gives_is_listed_with_its_own_id()
        {
            var cluster = new FakeCluster();
            var a = cluster.AddHost("fake://a", "a");
            var b = cluster.AddHost("fake://b", "b");
            var vm = a.AddGuest("web1");
            b.CpuAnswer = new CpuCompatibility(new[]
            {
                new MigrationException(ErrorIds.HyperVIncompatible, ErrorKind.InvalidOperation, "processor-specific features", "web1"),
                new MigrationException(ErrorIds.MigrationDisabledOnDestination, ErrorKind.ResourceUnavailable, "incoming migrations are off", "web1"),
            });
            var request = new LiveMigrationRequest(new LocatedVM(new ConnectedHost("a", new HostUri("fake://a"), "Fake", a, null), vm),
                new ConnectedHost("b", new HostUri("fake://b"), "Fake", b, null));

            var reasons = MigrationPreflight.Check(request, CancellationToken.None);

            Assert.Equal(new[] { ErrorIds.HyperVIncompatible, ErrorIds.MigrationDisabledOnDestination }, reasons.Select(r => r.ErrorId));
            Assert.DoesNotContain(reasons, r => r.ErrorId == ErrorIds.CpuIncompatible);
        }

        [Fact]
        public void A_move_between_hosts_of_different_hypervisors_is_refused_before_either_is_asked()
        {
            var cluster = new FakeCluster();
            var a = cluster.AddHost("fake://a", "a");
            var b = cluster.AddHost("fake://b", "b");
            var vm = a.AddGuest("web1");
            var request = new LiveMigrationRequest(new LocatedVM(new ConnectedHost("a", new HostUri("fake://a"), "Libvirt", a, null), vm),
                new ConnectedHost("b", new HostUri("fake://b"), "hyperv", b, null));

            var reason = Assert.Single(MigrationPreflight.Check(request, CancellationToken.None));

            Assert.Equal(ErrorIds.DifferentHypervisors, reason.ErrorId);
            Assert.Contains("Choose a Libvirt host", reason.Message);
        }
    }
}
