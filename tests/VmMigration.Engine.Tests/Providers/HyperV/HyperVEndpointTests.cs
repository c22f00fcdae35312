using VmMigration.Errors;
using VmMigration.Providers.HyperV;
using Xunit;

namespace VmMigration.Engine.Tests.Providers.HyperV
{
    public sealed class HyperVEndpointTests
    {
        [Fact]
        public void A_bare_host_is_winrm_over_http_with_kerberos()
        {
            // "Installation and configuration for Windows Remote Management": 5985 HTTP, 5986 HTTPS.
            var endpoint = HyperVEndpoint.Parse("hyperv://hv01.corp.example");

            Assert.Equal("hv01.corp.example", endpoint.Host);
            Assert.Equal(HyperVEndpoint.HttpPort, endpoint.Port);
            Assert.False(endpoint.Https);
            Assert.Equal(HyperVAuthentication.Default, endpoint.Authentication);
        }

        [Fact]
        public void Port_https_and_authentication_are_read_from_the_uri()
        {
            var endpoint = HyperVEndpoint.Parse("hyperv://hv01:15986/?auth=Basic&https=true");

            Assert.Equal(15986u, endpoint.Port);
            Assert.True(endpoint.Https);
            Assert.Equal(HyperVAuthentication.Basic, endpoint.Authentication);
            Assert.Equal(HyperVEndpoint.HttpsPort, HyperVEndpoint.Parse("hyperv://hv01?https=true&auth=negotiate").Port);
        }

        [Theory]
        [InlineData("hyperv://hv01?auth=ntlm", "auth=ntlm")]
        [InlineData("hyperv://hv01?auth=basic", "https=true")]
        [InlineData("hyperv://hv01?password=s3cret", "do not take")]
        [InlineData("hyperv://hv01/root/virtualization", "take no path")]
        [InlineData("hyperv://admin@hv01", "-Credential")]
        public void A_uri_the_provider_cannot_use_is_refused_saying_why(string uri, string why)
        {
            var error = Assert.Throws<MigrationException>(() => HyperVEndpoint.Parse(uri));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
            Assert.Contains(why, error.Message);
            Assert.DoesNotContain("s3cret", error.Message);
        }

        [Fact]
        public void Basic_authentication_without_a_credential_is_refused()
        {
            var endpoint = HyperVEndpoint.Parse("hyperv://hv01?auth=basic&https=true");

            var error = Assert.Throws<MigrationException>(() => endpoint.RequireCredentialFor("hyperv://hv01?auth=basic&https=true", hasCredential: false));
            endpoint.RequireCredentialFor("hyperv://hv01?auth=basic&https=true", hasCredential: true);
            HyperVEndpoint.Parse("hyperv://hv01").RequireCredentialFor("hyperv://hv01", hasCredential: false);

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
            Assert.Contains("-Credential", error.Message);
        }

        [Theory]
        // DMTF DSP0200 CIM status codes, as MMI's NativeErrorCode numbers them: 2 access denied, 3 invalid namespace, 1 failed.
        [InlineData(2, "HostUnreachable", ErrorKind.PermissionDenied)]
        [InlineData(3, "HypervisorProviderUnavailable", ErrorKind.NotInstalled)]
        [InlineData(1, "HostUnreachable", ErrorKind.ConnectionError)]
        public void A_failed_cim_call_is_told_in_our_ids(int nativeErrorCode, string errorId, ErrorKind kind)
        {
            var error = CimCallFailure.From(nativeErrorCode, "WinRM says no", "hyperv://hv01", "its VMs");

            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(kind, error.Kind);
            Assert.Contains("WinRM says no", error.Message);
        }
    }
}
