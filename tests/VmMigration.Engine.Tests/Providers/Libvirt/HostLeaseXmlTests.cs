using System;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>A host lease as the libvirt secret that carries it: what another runner reads back is what was taken.</summary>
    public sealed class HostLeaseXmlTests
    {
        [Fact]
        public void A_lease_read_back_from_its_secret_is_the_lease_that_was_written()
        {
            var since = new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
            var lease = HostLease.ForThisProcess(HostLease.Run, "Invoke-HostEvacuation of lab1 <&>", since, since.AddMinutes(2));

            var xml = HostLeaseXml.ToXml(lease);
            var read = HostLeaseXml.Parse(xml)!;

            Assert.Contains("<usage type=\"tls\"><name>vmmigration-lease/run</name></usage>", xml);
            Assert.Contains("ephemeral=\"no\"", xml);
            Assert.Equal(lease.Id, read.Id);
            Assert.Equal(HostLease.Run, read.Name);
            Assert.Equal(lease.Holder, read.Holder);
            Assert.Equal(Environment.MachineName, read.Machine);
            Assert.Equal(lease.ProcessId, read.ProcessId);
            Assert.Equal("Invoke-HostEvacuation of lab1 <&>", read.Purpose);
            Assert.Equal(since, read.Since);
            Assert.Equal(since.AddMinutes(2), read.ExpiresAt);
        }

        [Fact]
        public void A_maintenance_mark_has_no_expiry()
        {
            var mark = HostLease.ForThisProcess(HostLease.Maintenance, "evacuation of lab2", DateTime.UtcNow, expiresAt: null);
            var read = HostLeaseXml.Parse(HostLeaseXml.ToXml(mark))!;
            Assert.Null(read.ExpiresAt);
            Assert.False(read.IsExpired(DateTime.MaxValue));
        }

        [Fact]
        public void A_secret_that_is_not_ours_is_no_lease()
        {
            Assert.Null(HostLeaseXml.Parse("<secret ephemeral='no' private='yes'><uuid>0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f</uuid><usage type='volume'><volume>/var/lib/libvirt/images/a.img</volume></usage></secret>"));
            Assert.Null(HostLeaseXml.Parse("<secret><usage type='tls'><name>TLS_EXAMPLE</name></usage></secret>"));
            Assert.Null(HostLeaseXml.Parse("not xml"));
        }

        [Fact]
        public void A_description_written_by_hand_still_holds_the_name_by_an_unknown_holder()
        {
            var read = HostLeaseXml.Parse("<secret><uuid>0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f</uuid><description>hands off</description><usage type='tls'><name>vmmigration-lease/run</name></usage></secret>")!;
            Assert.Equal(HostLease.Run, read.Name);
            Assert.Equal("(unknown)", read.Holder);
        }
    }
}
