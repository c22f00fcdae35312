using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Execution;
using VmMigration.Providers;
using Xunit;

namespace VmMigration.Tests.Execution
{
    public class CloneDomainXmlTests
    {
        private const string SourceUuid = "0ead83e5-15a2-4d62-a4ba-6d96292ddb96";

        private static readonly string Source = $@"<domain type='qemu'>
  <name>web1</name>
  <uuid>{SourceUuid}</uuid>
  <genid>43dc0cf8-809b-4adb-9bea-a9abb5f3d90d</genid>
  <memory unit='KiB'>65536</memory>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/pool/web1.qcow2'/><backingStore/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/pool/web1-data.img'/><target dev='vdb' bus='virtio'/></disk>
    <disk type='file' device='cdrom'><source file='/iso/install.iso'/><target dev='sda' bus='sata'/><readonly/></disk>
    <interface type='network'><mac address='52:54:00:11:22:33'/><source network='default'/><target dev='vnet0'/></interface>
    <interface type='network'><source network='default'/></interface>
    <serial type='file'><source path='/lab/log/web1.serial.log' append='on'/><target port='0'/></serial>
  </devices>
</domain>";

        private static CloneIdentity Identity(params string[] usedMacs) =>
            CloneIdentity.Allocate(2, new HashSet<string> { SourceUuid }, new HashSet<string>(usedMacs), new System.Random(7));

        private static readonly Dictionary<string, string> NewFiles = new Dictionary<string, string>
        {
            ["/pool/web1.qcow2"] = "/pool/web2-vda.qcow2",
            ["/pool/web1-data.img"] = "/pool/web2-vdb.img",
        };

        [Fact]
        public void The_clone_gets_a_new_name_uuid_macs_disk_files_and_serial_log()
        {
            var identity = Identity("52:54:00:11:22:33");
            var clone = XElement.Parse(CloneDomainXml.Rewrite(Source, "web2", identity, NewFiles, null, null));

            Assert.Equal("web2", clone.Element("name")!.Value);
            Assert.Equal(identity.Uuid, clone.Element("uuid")!.Value);
            Assert.NotEqual(SourceUuid, identity.Uuid);
            Assert.Null(clone.Element("genid"));
            var macs = clone.Descendants("interface").Select(i => (string)i.Element("mac")!.Attribute("address")!).ToList();
            Assert.Equal(identity.MacAddresses, macs);
            Assert.DoesNotContain("52:54:00:11:22:33", macs);
            Assert.Empty(clone.Descendants("interface").Elements("target"));
            Assert.Equal(new[] { "/pool/web2-vda.qcow2", "/pool/web2-vdb.img", "/iso/install.iso" },
                clone.Descendants("disk").Select(d => (string)d.Element("source")!.Attribute("file")!));
            Assert.Empty(clone.Descendants("backingStore"));
            Assert.Equal("/lab/log/web2.serial.log", (string)clone.Descendants("serial").Single().Element("source")!.Attribute("path")!);
            Assert.Null(clone.Element("metadata"));
        }

        [Fact]
        public void Allocated_macs_avoid_every_mac_in_use()
        {
            // Random(7) draws the same sequence each time: mark its first draws as used and they must be skipped.
            var first = Identity().MacAddresses;
            var second = Identity(first.ToArray());
            Assert.Empty(second.MacAddresses.Intersect(first));
            Assert.Equal(2, second.MacAddresses.Distinct().Count());
            Assert.All(second.MacAddresses, m => Assert.StartsWith("52:54:00:", m));
        }

        [Fact]
        public void A_linked_clone_records_its_parent_and_uses_qcow2_overlays()
        {
            var lineage = new CloneLineage { ParentName = "web1", ParentUuid = SourceUuid };
            var xml = CloneDomainXml.Rewrite(Source, "web2", Identity(), NewFiles, "qcow2", lineage);

            Assert.Equal(new[] { "qcow2", "qcow2" }, CloneDomainXml.FileDisks(xml).Select(d => d.Format));
            var recorded = CloneDomainXml.Lineage(xml);
            Assert.Equal("web1", recorded.ParentName);
            Assert.Equal(SourceUuid, recorded.ParentUuid);
        }

        [Fact]
        public void Protecting_a_parent_makes_its_disks_read_only_and_a_copy_of_it_writable_again()
        {
            var parent = CloneDomainXml.ProtectAsParent(Source, new[] { "vda" });

            var disks = CloneDomainXml.FileDisks(parent);
            Assert.True(disks.Single(d => d.Target == "vda").ReadOnly);
            Assert.False(disks.Single(d => d.Target == "vdb").ReadOnly);
            Assert.Equal(new[] { "vda" }, CloneDomainXml.Lineage(parent).ProtectedDisks);
            Assert.Equal(CloneDomainXml.ProtectAsParent(parent, new[] { "vda" }), CloneDomainXml.ProtectAsParent(parent, new[] { "vda" }));

            var copy = CloneDomainXml.Rewrite(parent, "web3", Identity(), NewFiles, null, null);
            Assert.All(CloneDomainXml.FileDisks(copy), d => Assert.False(d.ReadOnly));
            Assert.True(CloneDomainXml.Lineage(copy).IsEmpty);
        }
    }
}
