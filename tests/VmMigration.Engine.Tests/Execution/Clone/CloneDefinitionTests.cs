using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Clone;
using VmMigration.Providers;
using Xunit;

namespace VmMigration.Tests.Execution.Clone
{
    /// <summary>The clone's definition in the engine's terms (how libvirt writes it: Providers/Libvirt/CloneDefinitionXmlTests).</summary>
    public class CloneDefinitionTests
    {
        internal const string SourceUuid = "0ead83e5-15a2-4d62-a4ba-6d96292ddb96";

        private static readonly GuestDefinition Source = new GuestDefinition("web1", SourceUuid,
            new[]
            {
                new GuestDisk("vda", "/pool/web1.qcow2", "qcow2"),
                new GuestDisk("vdb", "/pool/web1-data.img", "raw"),
                new GuestDisk("sda", "/iso/install.iso", readOnly: true, device: "cdrom"),
            },
            new[] { "52:54:00:11:22:33", null });

        internal static CloneIdentity Identity(params string[] usedMacs) =>
            CloneIdentity.Allocate(2, new HashSet<string> { SourceUuid }, new HashSet<string>(usedMacs), new System.Random(7));

        internal static readonly Dictionary<string, string> NewFiles = new Dictionary<string, string>
        {
            ["/pool/web1.qcow2"] = "/pool/web2-vda.qcow2",
            ["/pool/web1-data.img"] = "/pool/web2-vdb.img",
        };

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
        public void The_clone_takes_its_own_identity_and_its_file_disks_open_the_copies()
        {
            var identity = Identity("52:54:00:11:22:33");

            var clone = CloneDefinition.For(Source, "web2", identity, NewFiles, null, null);

            Assert.Equal("web2", clone.Name);
            Assert.Equal(identity.Uuid, clone.Uuid);
            Assert.Equal(identity.MacAddresses, clone.MacAddresses);
            Assert.Equal(new[] { "/pool/web2-vda.qcow2", "/pool/web2-vdb.img", "/iso/install.iso" }, clone.Disks.Select(d => d.Path));
            Assert.Equal(new[] { "qcow2", "raw" }, clone.FileDisks.Select(d => d.Format));
            Assert.True(clone.Lineage.IsEmpty);
            Assert.Equal("web1", Source.Name);   // the source's definition is left as it was
        }

        [Fact]
        public void A_clone_with_more_interfaces_than_allocated_macs_is_refused()
        {
            var identity = CloneIdentity.Allocate(1, new HashSet<string>(), new HashSet<string>(), new System.Random(7));

            var error = Assert.Throws<MigrationException>(() => CloneDefinition.For(Source, "web2", identity, NewFiles, null, null));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
        }

        [Fact]
        public void A_protected_parent_has_read_only_disks_that_its_copies_do_not_inherit()
        {
            var parent = CloneDefinition.ProtectAsParent(Source, new[] { "vda" });

            Assert.True(parent.Disks.Single(d => d.Target == "vda").ReadOnly);
            Assert.False(parent.Disks.Single(d => d.Target == "vdb").ReadOnly);
            Assert.Equal(new[] { "vda" }, parent.Lineage.ProtectedDisks);
            Assert.Equal(new[] { "vda" }, CloneDefinition.ProtectAsParent(parent, new[] { "vda" }).Lineage.ProtectedDisks);

            var copy = CloneDefinition.For(parent, "web3", Identity(), NewFiles, null, null);
            Assert.All(copy.FileDisks, d => Assert.False(d.ReadOnly));
            Assert.True(copy.Lineage.IsEmpty);
        }
    }
}
