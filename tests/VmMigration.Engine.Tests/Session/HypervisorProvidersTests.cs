using VmMigration.Errors;
using VmMigration.Providers.HyperV;
using VmMigration.Providers.Libvirt;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>The product's table of providers, by URI scheme.</summary>
    public class HypervisorProvidersTests
    {
        [Theory]
        [InlineData("qemu:///system")]
        [InlineData("qemu+unix:///system?socket=/run/lab1/libvirt-sock")]
        [InlineData("qemu+ssh://root@kvm01/system")]
        [InlineData("qemu+tcp://10.0.0.12/system")]
        [InlineData("QEMU+TLS://kvm02/system")]
        public void Every_qemu_uri_is_opened_by_libvirt(string uri) =>
            Assert.IsType<LibvirtProvider>(HypervisorProviders.Standard(windows: false).For(new HostUri(uri)));

        [Theory]
        [InlineData("qemu:///system")]
        [InlineData("qemu+ssh://root@kvm01/system")]
        public void On_windows_a_qemu_uri_is_refused_before_any_libvirt_call(string uri)
        {
            var error = Assert.Throws<MigrationException>(() => HypervisorProviders.Standard(windows: true).For(new HostUri(uri)));

            Assert.Equal(ErrorIds.HypervisorProviderUnavailable, error.ErrorId);
            Assert.Contains("Linux only", error.Message);
        }

        [Fact]
        public void Hyper_v_is_opened_on_windows_and_refused_with_the_reason_elsewhere()
        {
            Assert.IsType<HyperVProvider>(HypervisorProviders.Standard(windows: true).For(new HostUri("hyperv://hv01")));
            var error = Assert.Throws<MigrationException>(() => HypervisorProviders.Standard(windows: false).For(new HostUri("hyperv://hv01")));
            Assert.Equal(ErrorIds.HypervisorProviderUnavailable, error.ErrorId);
            Assert.Contains("needs Windows", error.Message);
        }

        [Fact]
        public void A_registered_provider_opens_the_uris_of_its_scheme_and_nothing_else()
        {
            var cluster = new FakeCluster();
            var providers = cluster.RegisterIn(HypervisorProviders.Standard(windows: false));

            Assert.Same(cluster, providers.For(new HostUri("fake://host1")));
            Assert.IsType<LibvirtProvider>(providers.For(new HostUri("qemu:///system")));
            Assert.Equal(ErrorIds.UnknownUriScheme, Assert.Throws<MigrationException>(() => new HypervisorProviders().For(new HostUri("fake://host1"))).ErrorId);
        }
    }
}
