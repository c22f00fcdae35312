using System;
using System.Xml.Linq;
using VmMigration.Providers;
using Xunit;

namespace VmMigration.Tests.Providers
{
    public class DomainDiskXmlTests
    {
        private const string Domain = @"<domain type='kvm'><name>db1</name><devices>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/pools/lab/db1.qcow2' index='2'/>
    <backingStore type='file' index='3'><format type='qcow2'/><source file='/pools/lab/base.qcow2'/></backingStore><target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/pools/lab/db1-data.raw'/><target dev='vdb' bus='virtio'/></disk>
</devices></domain>";

        [Fact]
        public void A_placed_disk_gets_its_new_file_and_format_and_stands_alone_while_the_others_stay()
        {
            var xml = XElement.Parse(DomainDiskXml.Relocate(Domain, new[] { new DiskPlacement("vda", "/pools/fast/db1.raw", "raw") }));

            var disks = xml.Element("devices")!.Elements("disk");
            var vda = Assert.Single(disks, d => (string?)d.Element("target")!.Attribute("dev") == "vda");
            Assert.Equal("/pools/fast/db1.raw", (string?)vda.Element("source")!.Attribute("file"));
            Assert.Null(vda.Element("source")!.Attribute("index"));
            Assert.Equal("raw", (string?)vda.Element("driver")!.Attribute("type"));
            Assert.Equal("none", (string?)vda.Element("driver")!.Attribute("cache"));
            Assert.Null(vda.Element("backingStore"));
            var vdb = Assert.Single(disks, d => (string?)d.Element("target")!.Attribute("dev") == "vdb");
            Assert.Equal("/pools/lab/db1-data.raw", (string?)vdb.Element("source")!.Attribute("file"));
        }

        [Fact]
        public void Placing_a_disk_the_domain_does_not_have_is_an_error_not_a_silent_no_op()
        {
            Assert.Throws<ArgumentException>(() => DomainDiskXml.Relocate(Domain, new[] { new DiskPlacement("vdz", "/x", "raw") }));
        }
    }
}
