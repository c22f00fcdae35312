using System;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class LibvirtDomainDefinitionTests
    {
        private const string Domain = @"<domain type='kvm'><name>db1</name><devices>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='/pools/lab/db1.qcow2' index='2'/>
    <backingStore type='file' index='3'><format type='qcow2'/><source file='/pools/lab/base.qcow2'/></backingStore><target dev='vda' bus='virtio'/></disk>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/pools/lab/db1-data.raw'/><target dev='vdb' bus='virtio'/></disk>
</devices></domain>";

        private const string Uuid = "0ead83e5-15a2-4d62-a4ba-6d96292ddb96";

        /// <summary>A domain with what the engine does not model: a vendor's metadata, a tuning element, a device with its own settings.</summary>
        private static readonly string Rich = $@"<domain type='kvm' id='7'>
  <name>web1</name>
  <uuid>{Uuid}</uuid>
  <metadata><app:tag xmlns:app='https://example.invalid/app'>billing</app:tag></metadata>
  <memory unit='GiB'>2</memory>
  <vcpu placement='static'>3</vcpu>
  <cputune><shares>2048</shares></cputune>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2' discard='unmap'/><source file='/pools/lab/web1.qcow2'/><target dev='vda' bus='virtio'/><iotune><total_iops_sec>500</total_iops_sec></iotune><shareable/></disk>
    <disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/sdb'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:11:22:33'/><source network='default'/><model type='virtio'/></interface>
    <video><model type='vga' vram='16384'/></video>
  </devices>
</domain>";

        private static XElement Written(GuestDefinition definition) => XElement.Parse(LibvirtDomainDefinition.Write(definition));

        [Fact]
        public void A_placed_disk_gets_its_new_file_and_format_and_stands_alone_while_the_others_stay()
        {
            var xml = Written(LibvirtDomainDefinition.Read(Domain).WithDisksPlaced(new[] { new DiskPlacement("vda", "/pools/fast/db1.raw", "raw") }));

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
        public void A_disk_given_a_format_its_definition_did_not_state_is_opened_in_that_format()
        {
            // Without a driver type libvirt opens the file as raw: a qcow2 overlay would show the guest its header.
            const string bare = "<domain><name>web1</name><devices><disk type='file' device='disk'><source file='/p/web1.img'/><target dev='vda'/></disk></devices></domain>";

            var xml = Written(LibvirtDomainDefinition.Read(bare).WithDisks(d => d.WithFile("/p/web2.qcow2", "qcow2")));

            var driver = xml.Element("devices")!.Element("disk")!.Element("driver")!;
            Assert.Equal(("qemu", "qcow2"), ((string?)driver.Attribute("name"), (string?)driver.Attribute("type")));
        }

        [Fact]
        public void Placing_a_disk_the_domain_does_not_have_is_an_error_not_a_silent_no_op()
        {
            Assert.Throws<ArgumentException>(() => LibvirtDomainDefinition.Read(Domain).WithDisksPlaced(new[] { new DiskPlacement("vdz", "/x", "raw") }));
        }

        [Fact]
        public void A_definition_reads_as_the_engine_models_it()
        {
            var definition = LibvirtDomainDefinition.Read(Rich);

            Assert.Equal("web1", definition.Name);
            Assert.Equal(Uuid, definition.Uuid);
            Assert.Equal(2048, definition.MemoryMB);
            Assert.Equal(3, definition.VCpuCount);
            Assert.Equal(new[] { "52:54:00:11:22:33" }, definition.MacAddresses);
            var vda = Assert.Single(definition.FileDisks);
            Assert.Equal(("vda", "/pools/lab/web1.qcow2", "qcow2", true, false), (vda.Target, vda.Path, vda.Format, vda.Shareable, vda.ReadOnly));
            var vdb = definition.Disks[1];
            Assert.Equal(("block", "", true), (vdb.SourceType, vdb.Path, vdb.HasSource));
            var sda = definition.Disks[2];
            Assert.Equal(("cdrom", false, true), (sda.Device, sda.HasSource, sda.ReadOnly));
            Assert.True(definition.Lineage.IsEmpty);
        }

        [Fact]
        public void A_live_definition_shows_each_disk_s_backing_chain_top_first()
        {
            const string live = @"<domain><name>child</name><devices><disk type='file' device='disk'><source file='/p/child.qcow2'/>
  <backingStore type='file'><format type='qcow2'/><source file='/p/parent.qcow2'/><backingStore type='file'><source file='/p/base.raw'/></backingStore></backingStore>
  <target dev='vda'/></disk></devices></domain>";

            Assert.Equal(new[] { "/p/parent.qcow2", "/p/base.raw" }, LibvirtDomainDefinition.Read(live).Disks.Single().BackingFiles);
        }

        [Fact]
        public void What_the_engine_does_not_model_reaches_the_next_host_as_it_was()
        {
            var original = XElement.Parse(Rich);

            var unchanged = Written(LibvirtDomainDefinition.Read(Rich));
            Assert.True(XNode.DeepEquals(original, unchanged), unchanged.ToString());

            var moved = Written(LibvirtDomainDefinition.Read(Rich).WithDisksPlaced(new[] { new DiskPlacement("vda", "/pools/fast/web1.raw", "raw") }));
            XNamespace app = "https://example.invalid/app";
            Assert.Equal("billing", moved.Element("metadata")!.Element(app + "tag")!.Value);
            Assert.Equal("2048", moved.Element("cputune")!.Element("shares")!.Value);
            Assert.Equal("7", (string?)moved.Attribute("id"));
            var vda = moved.Element("devices")!.Elements("disk").First();
            Assert.Equal("500", vda.Element("iotune")!.Element("total_iops_sec")!.Value);
            Assert.Equal("unmap", (string?)vda.Element("driver")!.Attribute("discard"));
            Assert.NotNull(vda.Element("shareable"));
            Assert.Equal("/dev/sdb", (string?)moved.Element("devices")!.Elements("disk").ElementAt(1).Element("source")!.Attribute("dev"));
            Assert.Equal("16384", (string?)moved.Element("devices")!.Element("video")!.Element("model")!.Attribute("vram"));
            Assert.Equal("virtio", (string?)moved.Element("devices")!.Element("interface")!.Element("model")!.Attribute("type"));
        }

        [Fact]
        public void A_new_identity_replaces_name_uuid_and_macs_and_drops_what_libvirt_derived_from_the_old_one()
        {
            var clone = Written(LibvirtDomainDefinition.Read(Rich).WithIdentity("web2", "11111111-2222-3333-4444-555555555555", new[] { "52:54:00:aa:bb:cc" }));

            Assert.Equal("web2", clone.Element("name")!.Value);
            Assert.Equal("11111111-2222-3333-4444-555555555555", clone.Element("uuid")!.Value);
            Assert.Null(clone.Attribute("id"));
            Assert.Equal("52:54:00:aa:bb:cc", (string?)clone.Element("devices")!.Element("interface")!.Element("mac")!.Attribute("address"));
            Assert.Equal("billing", clone.Element("metadata")!.Elements().Single().Value);
        }

        [Fact]
        public void A_read_only_mark_and_a_lineage_are_written_and_read_back()
        {
            var lineage = new CloneLineage { ParentName = "web0", ParentUuid = "0000", ProtectedDisks = new[] { "vda" } };
            var edited = LibvirtDomainDefinition.Write(LibvirtDomainDefinition.Read(Rich).WithDisks(d => d.IsFile ? d.WithReadOnly(true) : d).WithLineage(lineage));

            var read = LibvirtDomainDefinition.Read(edited);
            Assert.True(read.FileDisks.Single().ReadOnly);
            Assert.Equal(("web0", "0000"), (read.Lineage.ParentName, read.Lineage.ParentUuid));
            Assert.Equal(new[] { "vda" }, read.Lineage.ProtectedDisks);
            Assert.Equal(2, XElement.Parse(edited).Element("metadata")!.Elements().Count());   // next to the vendor's element

            var cleared = XElement.Parse(LibvirtDomainDefinition.Write(read.WithLineage(new CloneLineage())));
            Assert.Equal("billing", cleared.Element("metadata")!.Elements().Single().Value);
        }

        [Fact]
        public void A_definition_libvirt_did_not_describe_is_refused_rather_than_made_up()
        {
            var error = Assert.Throws<MigrationException>(() => LibvirtDomainDefinition.Write(new GuestDefinition("web1", Uuid)));
            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
        }

        [Fact]
        public void Xml_that_is_not_well_formed_is_an_invalid_argument()
        {
            var error = Assert.Throws<MigrationException>(() => LibvirtDomainDefinition.Read("<domain><name>x</name>"));
            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
        }
    }
}
