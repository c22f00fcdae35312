using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    public class LabGuestDomainXmlTests
    {
        private static readonly LabHostInfo Host = new LabHostInfo { Name = "lab1", Index = 1, Directory = "/var/lib/vmmigration/lab/lab1" };

        private static XElement Build(LabGuestSpec spec, string accelerator = "tcg") =>
            XElement.Parse(LabGuestDomainXml.Build(spec, Host, accelerator, "/opt/VmMigration/guest/vmmig-guest.elf"));

        [Fact]
        public void Defaults_make_a_small_diskless_guest_booting_the_lab_kernel()
        {
            var xml = Build(new LabGuestSpec { Name = "g1" });
            Assert.Equal("qemu", (string?)xml.Attribute("type"));
            Assert.Equal("256", xml.Element("memory")!.Value);
            Assert.Equal("1", xml.Element("vcpu")!.Value);
            Assert.Equal("/opt/VmMigration/guest/vmmig-guest.elf", xml.Element("os")!.Element("kernel")!.Value);
            Assert.Equal("wss_mb=64 rate_mbps=0 mode=paced", xml.Element("os")!.Element("cmdline")!.Value);
            Assert.Equal("pc", (string?)xml.Element("os")!.Element("type")!.Attribute("machine"));
            Assert.Equal("destroy", xml.Element("on_crash")!.Value);
            var devices = xml.Element("devices")!;
            Assert.Equal(LabDefaults.QemuEmulator, devices.Element("emulator")!.Value);
            Assert.Null(devices.Element("disk"));
            Assert.Null(devices.Element("interface"));
            Assert.Equal("/var/lib/vmmigration/lab/lab1/log/g1.serial.log", (string?)devices.Element("serial")!.Element("source")!.Attribute("path"));
        }

        [Fact]
        public void Tcg_uses_a_fixed_cpu_model_and_kvm_host_model()
        {
            var tcg = Build(new LabGuestSpec { Name = "g" }, "tcg");
            Assert.Equal("qemu64", tcg.Element("cpu")!.Element("model")!.Value);
            var kvm = Build(new LabGuestSpec { Name = "g" }, "kvm");
            Assert.Equal("kvm", (string?)kvm.Attribute("type"));
            Assert.Equal("host-model", (string?)kvm.Element("cpu")!.Attribute("mode"));
        }

        [Fact]
        public void Names_are_escaped_in_xml_and_sanitised_in_the_serial_file_name()
        {
            string raw = LabGuestDomainXml.Build(new LabGuestSpec { Name = "a&b <c>'\"" }, Host, "tcg", "/k.elf");
            Assert.Contains("<name>a&amp;b &lt;c&gt;'\"</name>", raw);
            var xml = XElement.Parse(raw);
            Assert.Equal("a&b <c>'\"", xml.Element("name")!.Value);
            Assert.EndsWith("/log/a_b__c___.serial.log", (string?)xml.Element("devices")!.Element("serial")!.Element("source")!.Attribute("path"));
        }

        [Fact]
        public void Working_set_is_capped_below_memory_and_mode_and_rate_reach_the_guest()
        {
            var spec = new LabGuestSpec { Name = "g", MemoryMB = 64, WorkingSetMB = 500, DirtyRateMBps = 25, Mode = LabGuestMode.TouchAll };
            Assert.Equal(56, LabGuestDomainXml.EffectiveWorkingSetMB(spec));
            Assert.Equal("wss_mb=56 rate_mbps=25 mode=touchall", Build(spec).Element("os")!.Element("cmdline")!.Value);
        }

        [Theory]
        [InlineData("", 256, "tcg")]
        [InlineData("a/b", 256, "tcg")]
        [InlineData("g", 8, "tcg")]
        [InlineData("g", 256, "hvf")]
        public void Bad_specs_are_invalid_arguments(string name, int memoryMB, string accelerator)
        {
            var e = Assert.Throws<MigrationException>(() =>
                LabGuestDomainXml.Build(new LabGuestSpec { Name = name, MemoryMB = memoryMB }, Host, accelerator, "/k.elf"));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
        }

        [Fact]
        public void Missing_guest_image_says_how_to_build_it()
        {
            var e = Assert.Throws<MigrationException>(() => LabGuestImage.Resolve(moduleDirectory: "/nonexistent/VmMigration"));
            Assert.Equal(ErrorIds.LabGuestImageMissing, e.ErrorId);
            Assert.Contains("/nonexistent/VmMigration/guest/vmmig-guest.elf", e.Message);
            Assert.Contains("build.sh", e.Message);
        }
    }
}
