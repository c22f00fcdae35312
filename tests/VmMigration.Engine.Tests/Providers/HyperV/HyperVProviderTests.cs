using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers.HyperV;
using Xunit;

namespace VmMigration.Engine.Tests.Providers.HyperV
{
    public sealed class HyperVProviderTests
    {
        [Fact]
        public void Connecting_fails_with_HypervisorProviderUnavailable_saying_why_and_hiding_the_password()
        {
            var error = Assert.Throws<MigrationException>(() =>
                new HyperVProvider().Connect("hyperv://ops:s3cret@hv01/", null, TimeSpan.FromSeconds(5), CancellationToken.None));

            Assert.Equal(ErrorIds.HypervisorProviderUnavailable, error.ErrorId);
            Assert.Contains(OperatingSystem.IsWindows() ? "not finished" : "needs Windows", error.Message);
            Assert.DoesNotContain("s3cret", error.Message);
        }

        [Fact]
        public void An_embedded_instance_is_cim_xml_with_escaped_values_and_arrays()
        {
            // DTD 2.0 CIM-XML: INSTANCE CLASSNAME, PROPERTY / PROPERTY.ARRAY with VALUE.ARRAY.
            var text = EmbeddedInstanceText.Serialize(new CimObject("Msvm_VirtualSystemMigrationSettingData", new Dictionary<string, object?>
            {
                ["DestinationIPAddressList"] = new[] { "10.0.0.2", "a<b" },
                ["MigrationType"] = (ushort)32769,
            }));

            Assert.Equal("<INSTANCE CLASSNAME=\"Msvm_VirtualSystemMigrationSettingData\">" +
                "<PROPERTY.ARRAY NAME=\"DestinationIPAddressList\" TYPE=\"string\"><VALUE.ARRAY><VALUE>10.0.0.2</VALUE><VALUE>a&lt;b</VALUE></VALUE.ARRAY></PROPERTY.ARRAY>" +
                "<PROPERTY NAME=\"MigrationType\" TYPE=\"uint16\"><VALUE>32769</VALUE></PROPERTY></INSTANCE>", text);
        }
    }
}
