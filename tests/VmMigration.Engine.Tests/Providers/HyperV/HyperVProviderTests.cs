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
        public void Connecting_off_windows_fails_with_HypervisorProviderUnavailable_saying_why_and_hiding_the_password()
        {
            if (OperatingSystem.IsWindows()) return; // on Windows the URI is read instead: see HyperVEndpointTests
            var error = Assert.Throws<MigrationException>(() =>
                new HyperVProvider().Connect("hyperv://ops:s3cret@hv01/", null, TimeSpan.FromSeconds(5), CancellationToken.None));

            Assert.Equal(ErrorIds.HypervisorProviderUnavailable, error.ErrorId);
            Assert.Contains("needs Windows", error.Message);
            Assert.DoesNotContain("s3cret", error.Message);
            // MMI is compile-only: had anything touched it, its missing assembly would have been a FileNotFoundException instead.
            Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "Microsoft.Management.Infrastructure");
        }

        [Fact]
        public void An_msvm_error_given_as_cim_xml_text_is_read_back()
        {
            // "Msvm_Error class": Message and MessageID; "CheckSystemCompatibilityInfo method": Reasons[] are embedded instances.
            var text = EmbeddedInstanceText.Serialize(new CimObject("Msvm_Error", new Dictionary<string, object?> { ["Message"] = "Not compatible: a<b", ["MessageID"] = "24004" }));

            var error = Assert.Single(MsvmError.AllIn(new[] { text, "not xml" }));

            Assert.Equal("Not compatible: a<b (24004)", error.ToString());
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
