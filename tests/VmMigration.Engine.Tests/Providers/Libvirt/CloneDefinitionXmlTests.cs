using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Execution.Clone;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using VmMigration.Tests.Execution.Clone;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>A clone's definition as libvirt gets it: the engine's edits (<see cref="CloneDefinition"/>) written into the source's domain XML.</summary>
    public class CloneDefinitionXmlTests
    {
        private const string SourceUuid = CloneDefinitionTests.SourceUuid;

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

        private static string Rewrite(string sourceXml, string newName, CloneIdentity identity, IReadOnlyDictionary<string, string> diskFiles, string? diskFormat, CloneLineage? lineage) =>
            LibvirtDomainDefinition.Write(CloneDefinition.For(LibvirtDomainDefinition.Read(sourceXml), newName, identity, diskFiles, diskFormat, lineage));

        private static string ProtectAsParent(string parentXml, IEnumerable<string> diskTargets) =>
            LibvirtDomainDefinition.Write(CloneDefinition.ProtectAsParent(LibvirtDomainDefinition.Read(parentXml), diskTargets));

        private static IReadOnlyList<GuestDisk> FileDisks(string xml) => LibvirtDomainDefinition.Read(xml).FileDisks;

        private static CloneLineage Lineage(string xml) => LibvirtDomainDefinition.Read(xml).Lineage;

        // The same source as the engine-level tests: web1 with disks /pool/web1.qcow2 and /pool/web1-data.img and two interfaces.
        private static CloneIdentity Identity(params string[] usedMacs) => CloneDefinitionTests.Identity(usedMacs);

        private static Dictionary<string, string> NewFiles => CloneDefinitionTests.NewFiles;

        [Fact]
        public void The_clone_gets_a_new_name_uuid_macs_disk_files_and_serial_log()
        {
            var identity = Identity("52:54:00:11:22:33");
            var clone = XElement.Parse(Rewrite(Source, "web2", identity, NewFiles, null, null));

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
        public void A_linked_clone_records_its_parent_and_uses_qcow2_overlays()
        {
            var lineage = new CloneLineage { ParentName = "web1", ParentUuid = SourceUuid };
            var xml = Rewrite(Source, "web2", Identity(), NewFiles, "qcow2", lineage);

            Assert.Equal(new[] { "qcow2", "qcow2" }, FileDisks(xml).Select(d => d.Format));
            var recorded = Lineage(xml);
            Assert.Equal("web1", recorded.ParentName);
            Assert.Equal(SourceUuid, recorded.ParentUuid);
        }

        [Fact]
        public void Protecting_a_parent_makes_its_disks_read_only_and_a_copy_of_it_writable_again()
        {
            var parent = ProtectAsParent(Source, new[] { "vda" });

            var disks = FileDisks(parent);
            Assert.True(disks.Single(d => d.Target == "vda").ReadOnly);
            Assert.False(disks.Single(d => d.Target == "vdb").ReadOnly);
            Assert.Equal(new[] { "vda" }, Lineage(parent).ProtectedDisks);
            Assert.Equal(ProtectAsParent(parent, new[] { "vda" }), ProtectAsParent(parent, new[] { "vda" }));

            var copy = Rewrite(parent, "web3", Identity(), NewFiles, null, null);
            Assert.All(FileDisks(copy), d => Assert.False(d.ReadOnly));
            Assert.True(Lineage(copy).IsEmpty);
        }
    }
}
