using System;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>What the module keeps in a domain's &lt;metadata&gt;: clone lineage and balance records, each under its own namespace.</summary>
    public sealed partial class LibvirtHostConnection
    {
        private string? ReadLineageMetadata(DomainHandle domain, string name) => ReadMetadata(domain, name, CloneLineageXml.NamespaceUri, "clone");

        /// <summary>Our element under <paramref name="namespaceUri"/> in the domain's current definition; null when it has none.</summary>
        private string? ReadMetadata(DomainHandle domain, string name, string namespaceUri, string what)
        {
            var pointer = LibvirtNative.virDomainGetMetadata(domain, LibvirtConstants.DomainMetadataElement, namespaceUri, 0);
            if (pointer != IntPtr.Zero) return NativeStrings.ReadAndFree(pointer);
            var error = LibvirtError.CaptureLast();
            if (error.Code == LibvirtConstants.ErrNoDomainMetadata) return null;
            throw Failure(error, LibvirtOperationContext.Guest, $"read the {what} metadata of guest", name);
        }

        public BalanceRecord? GetBalanceRecord(string name)
        {
            using var domain = LookUp(name);
            return BalanceRecordXml.Parse(ReadMetadata(domain, name, BalanceRecordXml.NamespaceUri, "balance"));
        }

        public void SetBalanceRecord(string name, BalanceRecord record)
        {
            using var domain = LookUp(name);
            int active = LibvirtNative.virDomainIsActive(domain);
            if (active < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read whether it runs:", name);
            int persistent = LibvirtNative.virDomainIsPersistent(domain);
            if (persistent < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read whether it is persistent:", name);
            // The live definition is what a later migration carries; the persistent one is what a restart starts from.
            uint impact = (active == 1 ? LibvirtConstants.DomainAffectLive : 0) | (persistent == 1 ? LibvirtConstants.DomainAffectConfig : 0);
            if (LibvirtNative.virDomainSetMetadata(domain, LibvirtConstants.DomainMetadataElement, BalanceRecordXml.ToXml(record),
                    BalanceRecordXml.Prefix, BalanceRecordXml.NamespaceUri, impact) < 0)
                throw GuestFailure(LibvirtOperationContext.Guest, "record the balancing move in the metadata of guest", name);
        }
    }
}
