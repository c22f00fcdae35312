using System.Xml.Linq;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class LibvirtVolumeXmlTests
    {
        [Fact]
        public void A_new_qcow2_volume_asks_for_its_size_and_the_modern_qcow2_and_leaves_allocation_to_the_pool()
        {
            var volume = XElement.Parse(LibvirtVolumeXml.From(StorageVolumeSpec.CopyOf("web2-vda.qcow2", "qcow2", 64L << 20)));

            Assert.Equal("web2-vda.qcow2", volume.Element("name")!.Value);
            Assert.Equal("bytes", (string?)volume.Element("capacity")!.Attribute("unit"));
            Assert.Equal((64L << 20).ToString(), volume.Element("capacity")!.Value);
            Assert.Null(volume.Element("allocation"));
            Assert.Equal("qcow2", (string?)volume.Element("target")!.Element("format")!.Attribute("type"));
            Assert.Equal("1.1", volume.Element("target")!.Element("compat")!.Value);
            Assert.Null(volume.Element("backingStore"));
        }

        [Fact]
        public void A_stream_target_is_a_raw_fully_sparse_file_as_long_as_the_source_file()
        {
            var volume = XElement.Parse(LibvirtVolumeXml.From(StorageVolumeSpec.StreamTarget("db1.qcow2", 12345)));

            Assert.Equal("12345", volume.Element("capacity")!.Value);
            Assert.Equal("0", volume.Element("allocation")!.Value);
            Assert.Equal("raw", (string?)volume.Element("target")!.Element("format")!.Attribute("type"));
            Assert.Null(volume.Element("target")!.Element("compat"));
        }

        [Fact]
        public void An_overlay_names_the_file_it_reads_through_to_and_that_file_s_format()
        {
            var volume = XElement.Parse(LibvirtVolumeXml.From(StorageVolumeSpec.Overlay("web2-vda.qcow2", 1024, "/pools/lab/web1.raw", "raw")));

            Assert.Equal("qcow2", (string?)volume.Element("target")!.Element("format")!.Attribute("type"));
            Assert.Equal("/pools/lab/web1.raw", volume.Element("backingStore")!.Element("path")!.Value);
            Assert.Equal("raw", (string?)volume.Element("backingStore")!.Element("format")!.Attribute("type"));
        }

        [Fact]
        public void A_pool_is_a_directory_pool_on_its_directory()
        {
            var pool = XElement.Parse(LibvirtPoolXml.From(new StoragePoolSpec("lab", "/var/lab/lab1/pool")));

            Assert.Equal("dir", (string?)pool.Attribute("type"));
            Assert.Equal("lab", pool.Element("name")!.Value);
            Assert.Equal("/var/lab/lab1/pool", pool.Element("target")!.Element("path")!.Value);
        }
    }
}
