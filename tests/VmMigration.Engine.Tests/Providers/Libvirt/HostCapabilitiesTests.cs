using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class HostCapabilitiesTests
    {
        [Fact]
        public void Reads_host_uuid_and_cpu_model()
        {
            const string xml = "<capabilities><host><uuid>dc385c06-c14d-4c4a-9fee-d1d2807e0122</uuid>"
                + "<cpu><arch>x86_64</arch><model>Skylake-Client-IBRS</model><vendor>Intel</vendor></cpu></host>"
                + "<guest><os_type>hvm</os_type></guest></capabilities>";

            var (uuid, model) = HostCapabilities.Parse(xml);

            Assert.Equal("dc385c06-c14d-4c4a-9fee-d1d2807e0122", uuid);
            Assert.Equal("Skylake-Client-IBRS", model);
        }

        [Fact]
        public void Falls_back_to_the_architecture_when_the_host_names_no_model()
        {
            var (uuid, model) = HostCapabilities.Parse("<capabilities><host><cpu><arch>aarch64</arch></cpu></host></capabilities>");

            Assert.Equal("", uuid);
            Assert.Equal("aarch64", model);
        }

        [Theory]
        [InlineData(9000000UL, "9.0.0")]
        [InlineData(7002022UL, "7.2.22")]
        [InlineData(10010003UL, "10.10.3")]
        public void Formats_libvirt_encoded_versions(ulong encoded, string shown) => Assert.Equal(shown, LibvirtVersion.Format(encoded));
    }
}
