using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Freezing a running guest's disks under temporary overlays, and merging them back (external snapshot + active commit).</summary>
    public sealed partial class LibvirtHostConnection
    {
        private static readonly TimeSpan PivotRetryInterval = TimeSpan.FromMilliseconds(20);

        public void CreateDiskOverlays(string name, IReadOnlyDictionary<string, string> overlayFileByDiskTarget)
        {
            using var domain = LookUp(name);
            var liveXml = XElement.Parse(LiveXml(name));
            // Every other disk is left out explicitly: libvirt would otherwise give each writable one an overlay of its own.
            var others = (liveXml.Element("devices")?.Elements("disk") ?? Enumerable.Empty<XElement>())
                .Select(d => (string?)d.Element("target")?.Attribute("dev"))
                .Where(t => t != null && !overlayFileByDiskTarget.ContainsKey(t!))
                .Select(t => new XElement("disk", new XAttribute("name", t!), new XAttribute("snapshot", "no")));
            var snapshotXml = new XElement("domainsnapshot",
                new XElement("name", "vmmigration-freeze-" + Guid.NewGuid().ToString("N")),
                new XElement("disks",
                    overlayFileByDiskTarget.Select(pair => new XElement("disk", new XAttribute("name", pair.Key), new XAttribute("snapshot", "external"),
                        new XElement("driver", new XAttribute("type", "qcow2")),
                        new XElement("source", new XAttribute("file", pair.Value)))),
                    others));
            var snapshot = LibvirtNative.virDomainSnapshotCreateXML(domain, snapshotXml.ToString(),
                LibvirtConstants.SnapshotCreateDiskOnly | LibvirtConstants.SnapshotCreateNoMetadata | LibvirtConstants.SnapshotCreateAtomic);
            if (snapshot == IntPtr.Zero) throw GuestFailure(LibvirtOperationContext.RunningGuest, "freeze the disks of guest", name);
            LibvirtNative.virDomainSnapshotFree(snapshot);
        }

        public void MergeDiskOverlays(string name, IEnumerable<string> diskTargets, TimeSpan timeout)
        {
            using var domain = LookUp(name);
            var failures = new List<MigrationException>();
            foreach (var target in diskTargets)
            {
                try
                {
                    MergeDiskOverlay(domain, name, target, timeout);
                }
                catch (MigrationException failure)
                {
                    failures.Add(failure); // the other disks still go back to their own files
                }
            }
            if (failures.Count > 0) throw failures[0];
        }

        private void MergeDiskOverlay(DomainHandle domain, string name, string target, TimeSpan timeout)
        {
            if (LibvirtNative.virDomainBlockCommit(domain, target, IntPtr.Zero, IntPtr.Zero, 0,
                    LibvirtConstants.BlockCommitActive | LibvirtConstants.BlockCommitDelete) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"start merging the overlay of disk {target} of guest", name);
            // An active commit becomes ready once the overlay's data is in the base; the pivot is refused until then.
            PivotWhenReady(domain, name, target, timeout, $"switch disk {target} back to its own file in guest");
        }
    }
}
