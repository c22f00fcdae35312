using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Host leases kept as libvirt secrets on the host's own daemon (<see cref="HostLeaseXml"/>).</summary>
    public sealed partial class LibvirtHostConnection
    {
        public IReadOnlyList<HostLease> ListLeases()
        {
            ThrowIfDisposed();
            int count = LibvirtNative.virConnectListAllSecrets(connection, out var array, 0);
            if (count < 0) throw HostFailure("list the leases (secrets) of");
            var handles = OwnedArray.Take(array, count, pointer => new SecretHandle(pointer));
            try
            {
                return handles.Select(secret => HostLeaseXml.Parse(NativeStrings.ReadAndFree(LibvirtNative.virSecretGetXMLDesc(secret, 0))))
                    .Where(lease => lease != null).Select(lease => lease!).ToList();
            }
            finally
            {
                foreach (var secret in handles) secret.Dispose();
            }
        }

        public HostLease? TryTakeLease(HostLease lease)
        {
            ThrowIfDisposed();
            // Twice at most: a holder that released its lease between our refused define and our look-up leaves it free.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                using (var taken = LibvirtNative.virSecretDefineXML(connection, HostLeaseXml.ToXml(lease), 0))
                {
                    if (!taken.IsInvalid) return null;
                }
                var refusal = LibvirtError.CaptureLast();
                LibvirtNative.virResetLastError();
                var holder = FindLease(lease.Name);
                if (holder != null) return holder.Id == lease.Id ? null : holder;
                if (attempt == 1) throw Failure(refusal, LibvirtOperationContext.Host, $"take the '{lease.Name}' lease (a secret) on", Uri, where: "");
            }
            return null;
        }

        public bool RenewLease(HostLease lease)
        {
            ThrowIfDisposed();
            var current = FindLease(lease.Name);
            if (current == null || !string.Equals(current.Id, lease.Id, StringComparison.OrdinalIgnoreCase)) return false;
            using (var renewed = LibvirtNative.virSecretDefineXML(connection, HostLeaseXml.ToXml(lease), 0))
            {
                if (!renewed.IsInvalid) return true;
            }
            // Refused: it lapsed and was released and taken by another runner between the look-up and the write.
            var refusal = LibvirtError.CaptureLast();
            LibvirtNative.virResetLastError();
            current = FindLease(lease.Name);
            if (current != null && !string.Equals(current.Id, lease.Id, StringComparison.OrdinalIgnoreCase)) return false;
            throw Failure(refusal, LibvirtOperationContext.Host, $"renew the '{lease.Name}' lease (a secret) on", Uri, where: "");
        }

        public void ReleaseLease(string name, string id)
        {
            ThrowIfDisposed();
            using var secret = LibvirtNative.virSecretLookupByUUIDString(connection, id);
            if (secret.IsInvalid)
            {
                var error = LibvirtError.CaptureLast();
                if (error.Code == LibvirtConstants.ErrNoSecret) { LibvirtNative.virResetLastError(); return; }
                throw Failure(error, LibvirtOperationContext.Host, $"look up the '{name}' lease (a secret) on", Uri, where: "");
            }
            var lease = HostLeaseXml.Parse(NativeStrings.ReadAndFree(LibvirtNative.virSecretGetXMLDesc(secret, 0)));
            if (lease == null || lease.Name != name) return; // a secret of someone else's with that UUID: never ours to remove
            if (LibvirtNative.virSecretUndefine(secret) < 0)
            {
                var error = LibvirtError.CaptureLast();
                if (error.Code == LibvirtConstants.ErrNoSecret) { LibvirtNative.virResetLastError(); return; }
                throw Failure(error, LibvirtOperationContext.Host, $"release the '{name}' lease (a secret) on", Uri, where: "");
            }
        }

        private HostLease? FindLease(string name)
        {
            using var secret = LibvirtNative.virSecretLookupByUsage(connection, LibvirtConstants.SecretUsageTls, HostLeaseXml.UsageId(name));
            if (secret.IsInvalid)
            {
                var error = LibvirtError.CaptureLast();
                if (error.Code == LibvirtConstants.ErrNoSecret) { LibvirtNative.virResetLastError(); return null; }
                throw Failure(error, LibvirtOperationContext.Host, $"read the '{name}' lease (a secret) of", Uri, where: "");
            }
            return HostLeaseXml.Parse(NativeStrings.ReadAndFree(LibvirtNative.virSecretGetXMLDesc(secret, 0)));
        }
    }
}
