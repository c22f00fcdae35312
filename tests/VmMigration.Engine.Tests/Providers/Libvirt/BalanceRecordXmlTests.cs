using System;
using System.Xml.Linq;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class BalanceRecordXmlTests
    {
        private static readonly BalanceRecord Record = new BalanceRecord
        {
            MovedAt = new DateTime(2026, 12, 2, 8, 30, 0, DateTimeKind.Utc), Source = "lab1", Destination = "lab2", Runner = "box-a",
        };

        [Fact]
        public void Writes_an_element_in_no_namespace_because_libvirt_adds_the_keys_namespace_itself()
        {
            // virDomainSetMetadata (libvirt 9.0) fails with "failed to create a new XML namespace" when the element
            // declares the prefix it is given: the lab showed every record lost that way.
            var element = XElement.Parse(BalanceRecordXml.ToXml(Record));
            Assert.Equal(XNamespace.None, element.Name.Namespace);
            Assert.DoesNotContain(element.Attributes(), a => a.IsNamespaceDeclaration);
        }

        [Fact]
        public void Reads_the_record_back_as_libvirt_returns_it_under_its_prefix()
        {
            var stored = XElement.Parse(BalanceRecordXml.ToXml(Record));
            XNamespace ns = BalanceRecordXml.NamespaceUri;
            var returned = new XElement(ns + stored.Name.LocalName, new XAttribute(XNamespace.Xmlns + BalanceRecordXml.Prefix, ns), stored.Attributes());
            var read = BalanceRecordXml.Parse(returned.ToString());
            Assert.NotNull(read);
            Assert.Equal(Record.MovedAt, read!.MovedAt);
            Assert.Equal(DateTimeKind.Utc, read.MovedAt.Kind);
            Assert.Equal("lab1", read.Source);
            Assert.Equal("lab2", read.Destination);
            Assert.Equal("box-a", read.Runner);
        }

        [Fact]
        public void Treats_foreign_content_under_our_uri_as_no_record()
        {
            Assert.Null(BalanceRecordXml.Parse("<balanced source='x'/>"));
            Assert.Null(BalanceRecordXml.Parse("not xml"));
            Assert.Null(BalanceRecordXml.Parse(null));
        }
    }
}
