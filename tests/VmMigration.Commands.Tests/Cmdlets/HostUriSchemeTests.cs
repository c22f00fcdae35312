using System;
using VmMigration.Session;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>A URI's scheme chooses the provider: one no provider can open stops Connect-MigrationHost before it connects anything.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class HostUriSchemeTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public void Dispose() => session.Dispose();

        [Fact]
        public void Off_windows_a_hyperv_uri_stops_with_HypervisorProviderUnavailable_saying_why_the_provider_cannot_connect()
        {
            if (System.OperatingSystem.IsWindows()) return; // there the provider connects (engine: HyperVProviderTests)
            session.AddHost("host1");

            var error = session.Shell.ErrorThatStops("Connect-MigrationHost -Uri 'fake://host1', 'hyperv://hv01'");

            Assert.Equal("HypervisorProviderUnavailable,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Equal(System.Management.Automation.ErrorCategory.NotImplemented, error.CategoryInfo.Category);
            Assert.Contains("the Hyper-V provider needs Windows", error.Exception.Message);
            Assert.Equal("hyperv://hv01", error.TargetObject);
            Assert.Empty(HostRegistry.Default.Hosts);
        }

        [Theory]
        [InlineData("vmware://esx01")]
        [InlineData("esx01")]
        public void A_uri_of_no_known_scheme_stops_with_UnknownUriScheme_naming_the_schemes_known(string uri)
        {
            var error = session.Shell.ErrorThatStops($"Connect-MigrationHost -Uri '{uri}'");

            Assert.Equal("UnknownUriScheme,VmMigration.Commands.ConnectMigrationHostCommand", error.FullyQualifiedErrorId);
            Assert.Contains($"'{uri}'", error.Exception.Message);
            Assert.Contains("qemu (libvirt", error.Exception.Message);
            Assert.Contains("hyperv (Hyper-V", error.Exception.Message);
        }
    }
}
