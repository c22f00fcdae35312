using Xunit;

namespace VmMigration.Tests.Model
{
    /// <summary>The redaction rule of host URIs, and which URIs Connect-MigrationHost warns about.</summary>
    public class HostUriTests
    {
        [Theory]
        [InlineData("qemu:///system", "qemu:///system")]
        [InlineData("qemu+ssh://root@h/system", "qemu+ssh://root@h/system")]
        [InlineData("qemu+tcp://u:p@h:16509/system?x=1", "qemu+tcp://u:***@h:16509/system?x=1")]
        [InlineData("qemu+unix:///system?socket=/run/a:b@c", "qemu+unix:///system?socket=/run/a:b@c")]
        [InlineData("", "(default URI)")]
        public void Uri_redaction_hides_only_a_password(string uri, string shown)
        {
            Assert.Equal(shown, HostUri.Redact(uri));
        }

        [Theory]
        [InlineData("qemu+tcp://admin:S3cret@10.0.0.5/system", "qemu+tcp://admin:***@10.0.0.5/system")]
        [InlineData("qemu+tcp://:S3cret@10.0.0.5/system", "qemu+tcp://:***@10.0.0.5/system")]
        [InlineData("qemu+tcp://admin:p@ss@10.0.0.5/system", "qemu+tcp://admin:***@10.0.0.5/system")]
        [InlineData("qemu+tcp://admin:p%40ss@10.0.0.5/system", "qemu+tcp://admin:***@10.0.0.5/system")]
        [InlineData("qemu+tcp://admin:S3cret@10.0.0.5", "qemu+tcp://admin:***@10.0.0.5")]
        [InlineData("qemu+ssh://admin@kvm01/system?keyfile=/root/.ssh/id&no_verify=1", "qemu+ssh://admin@kvm01/system?keyfile=/root/.ssh/id&no_verify=1")]
        [InlineData("qemu+tcp://h/system?password=S3cret", "qemu+tcp://h/system?password=***")]
        [InlineData("qemu+tcp://h/system?passwd=S3cret&mode=direct", "qemu+tcp://h/system?passwd=***&mode=direct")]
        [InlineData("qemu+tcp://h/system?socket=/s&token=T0k&client_secret=Sh&API_KEY=K3y&x=", "qemu+tcp://h/system?socket=/s&token=***&client_secret=***&API_KEY=***&x=")]
        [InlineData("qemu+tcp://u:p@h/system?access_token=T0k#token=frag", "qemu+tcp://u:***@h/system?access_token=***#token=frag")]
        [InlineData("qemu+tcp://h/system#?token=frag", "qemu+tcp://h/system#?token=frag")]
        [InlineData("esx01", "esx01")]
        [InlineData("host?token=T0k", "host?token=***")]
        public void A_password_in_the_user_part_and_every_secret_query_value_read_as_stars(string uri, string shown)
        {
            var hostUri = new HostUri(uri);

            Assert.Equal(shown, hostUri.Display);
            Assert.Equal(shown, hostUri.ToString());
            Assert.Equal(uri, hostUri.ForConnecting);
        }

        [Fact]
        public void The_secrets_are_known_as_written_and_percent_decoded_for_masking_them_in_what_providers_say()
        {
            var uri = new HostUri("qemu+tcp://admin:p%40ss@h/system?token=T%2B0k&socket=/run/sock");

            Assert.Equal(new[] { "p%40ss", "p@ss", "T%2B0k", "T+0k" }, uri.Secrets);
        }

        [Fact]
        public void Two_uris_are_equal_as_written_not_as_shown()
        {
            Assert.Equal(new HostUri("qemu+tcp://u:a@h/system"), new HostUri("qemu+tcp://u:a@h/system"));
            Assert.NotEqual(new HostUri("qemu+tcp://u:a@h/system"), new HostUri("qemu+tcp://u:b@h/system"));
            Assert.Equal(new HostUri("qemu+tcp://u:a@h/system").Display, new HostUri("qemu+tcp://u:b@h/system").Display);
        }

        [Theory]
        [InlineData("qemu+tcp://admin:S3cret@10.0.0.5/system",
            "qemu+tcp://admin:***@10.0.0.5/system uses libvirt's tcp transport, which is not encrypted and, unless the host's libvirtd requires SASL, " +
            "not authenticated: anyone who can reach its port can control the hypervisor, as root through /system. Connect with qemu+ssh:// or qemu+tls:// instead.")]
        [InlineData("QEMU+TCP://10.0.0.5:16509/system/?token=T0k",
            "QEMU+TCP://10.0.0.5:16509/system/?token=*** uses libvirt's tcp transport, which is not encrypted and, unless the host's libvirtd requires SASL, " +
            "not authenticated: anyone who can reach its port can control the hypervisor, as root through /system. Connect with qemu+ssh:// or qemu+tls:// instead.")]
        [InlineData("qemu+tcp://10.0.0.5/session",
            "qemu+tcp://10.0.0.5/session uses libvirt's tcp transport, which is not encrypted and, unless the host's libvirtd requires SASL, " +
            "not authenticated: anyone who can reach its port can control the hypervisor. Connect with qemu+ssh:// or qemu+tls:// instead.")]
        public void A_tcp_uri_is_warned_about_with_the_transports_to_use_instead(string uri, string warning)
        {
            Assert.Equal(warning, new HostUri(uri).InsecureTransportWarning);
        }

        [Theory]
        [InlineData("qemu:///system")]
        [InlineData("qemu+unix:///system?socket=/run/lab1/libvirt-sock")]
        [InlineData("qemu+ssh://root@kvm01/system")]
        [InlineData("qemu+tls://kvm02/system")]
        [InlineData("fake://host1")]
        [InlineData("hyperv://hv01")]
        [InlineData("tcp://127.0.0.1")]
        [InlineData("esx01")]
        public void A_local_socket_ssh_or_tls_uri_is_not_warned_about(string uri)
        {
            Assert.Null(new HostUri(uri).InsecureTransportWarning);
        }
    }
}
