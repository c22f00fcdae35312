using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Definitions without a start, lineage metadata, and libvirt's storage API (pools, volumes, streams).</summary>
    public sealed partial class LibvirtHostConnection
    {
        public GuestDefinition GetGuestDefinition(string name)
        {
            using var domain = LookUp(name);
            return LibvirtDomainDefinition.Read(NativeStrings.ReadAndFree(LibvirtNative.virDomainGetXMLDesc(domain, LibvirtConstants.DomainXmlInactive))
                ?? throw GuestFailure(LibvirtOperationContext.Guest, "read the definition of guest", name));
        }

        public GuestInfo DefineGuest(GuestDefinition definition)
        {
            ThrowIfDisposed();
            var name = definition.Name;
            var domainXml = LibvirtDomainDefinition.Write(definition);
            using (var existing = TryLookUp(name))
            {
                // virDomainDefineXML would silently replace it.
                if (existing != null)
                    throw new MigrationException(ErrorIds.VmExistsOnDestination, ErrorKind.ResourceExists,
                        $"A guest named '{name}' already exists on {Uri}; remove it or choose another name.", name);
            }
            using var domain = LibvirtNative.virDomainDefineXML(connection, domainXml);
            if (domain.IsInvalid) throw GuestFailure(LibvirtOperationContext.Guest, "define guest", name);
            return Describe(domain, name);
        }

        public void UpdateGuestDefinition(GuestDefinition definition)
        {
            var name = definition.Name;
            var domainXml = LibvirtDomainDefinition.Write(definition);
            using (LookUp(name)) { } // only ever replaces; never defines a new guest by accident
            using var domain = LibvirtNative.virDomainDefineXML(connection, domainXml);
            if (domain.IsInvalid) throw GuestFailure(LibvirtOperationContext.Guest, "update the definition of guest", name);
        }

        public void StartGuest(string name)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainCreate(domain) < 0) throw GuestFailure(LibvirtOperationContext.Guest, "start guest", name);
        }

        public StoragePoolInfo? FindStoragePool(string name)
        {
            ThrowIfDisposed();
            if (string.IsNullOrWhiteSpace(name)) return null;
            using var pool = LibvirtNative.virStoragePoolLookupByName(connection, name);
            if (pool.IsInvalid)
            {
                var error = LibvirtError.CaptureLast();
                if (error.Code == LibvirtConstants.ErrNoStoragePool) return null;
                throw Failure(error, LibvirtOperationContext.Storage, "look up storage pool", name);
            }
            return DescribePool(pool, name);
        }

        public IReadOnlyList<string> ListStoragePoolNames()
        {
            ThrowIfDisposed();
            int count = LibvirtNative.virConnectListAllStoragePools(connection, out var array, 0);
            if (count < 0) throw HostFailure("list the storage pools of");
            var handles = OwnedArray.Take(array, count, pointer => new StoragePoolHandle(pointer));
            try
            {
                return handles.Select(pool => NativeStrings.Read(LibvirtNative.virStoragePoolGetName(pool)))
                    .Where(name => !string.IsNullOrEmpty(name)).Select(name => name!).ToList();
            }
            finally
            {
                foreach (var pool in handles) pool.Dispose();
            }
        }

        public StoragePoolInfo EnsureStoragePool(StoragePoolSpec spec)
        {
            ThrowIfDisposed();
            var name = spec.Name;
            var pool = LibvirtNative.virStoragePoolLookupByName(connection, name);
            try
            {
                if (pool.IsInvalid)
                {
                    pool.Dispose();
                    LibvirtNative.virResetLastError();
                    pool = LibvirtNative.virStoragePoolDefineXML(connection, LibvirtPoolXml.From(spec), 0);
                    if (pool.IsInvalid) throw StorageFailure("define storage pool", name);
                    // Creates the pool's directory; an existing one is fine.
                    if (LibvirtNative.virStoragePoolBuild(pool, LibvirtConstants.StoragePoolBuildNoOverwrite) < 0) LibvirtNative.virResetLastError();
                }
                if (LibvirtNative.virStoragePoolIsActive(pool) != 1 && LibvirtNative.virStoragePoolCreate(pool, 0) < 0)
                    throw StorageFailure("start storage pool", name);
                if (LibvirtNative.virStoragePoolSetAutostart(pool, 1) < 0) throw StorageFailure("mark autostart storage pool", name);
                return DescribePool(pool, name);
            }
            finally
            {
                pool.Dispose();
            }
        }

        private StoragePoolInfo DescribePool(StoragePoolHandle pool, string name)
        {
            bool active = LibvirtNative.virStoragePoolIsActive(pool) == 1;
            // A pool's free space is cached from its last refresh; a copy decided on stale numbers would fail midway.
            if (active && LibvirtNative.virStoragePoolRefresh(pool, 0) < 0) throw StorageFailure("refresh storage pool", name);
            if (LibvirtNative.virStoragePoolGetInfo(pool, out var info) < 0) throw StorageFailure("read the size of storage pool", name);
            var xml = NativeStrings.ReadAndFree(LibvirtNative.virStoragePoolGetXMLDesc(pool, 0)) ?? throw StorageFailure("read the XML of storage pool", name);
            return new StoragePoolInfo
            {
                Name = NativeStrings.Read(LibvirtNative.virStoragePoolGetName(pool)) ?? name,
                Active = active,
                TargetPath = XElement.Parse(xml).Element("target")?.Element("path")?.Value ?? "",
                CapacityBytes = (long)info.CapacityBytes,
                AllocationBytes = (long)info.AllocationBytes,
                AvailableBytes = (long)info.AvailableBytes,
            };
        }

        public StorageVolumeInfo? FindStorageVolume(string path)
        {
            ThrowIfDisposed();
            using var volume = TryLookUpVolume(path);
            return volume == null ? null : DescribeVolume(volume, path);
        }

        public StorageVolumeInfo CreateStorageVolume(string poolName, StorageVolumeSpec spec)
        {
            using var pool = LookUpPool(poolName);
            using var volume = LibvirtNative.virStorageVolCreateXML(pool, LibvirtVolumeXml.From(spec), 0);
            if (volume.IsInvalid) throw StorageFailure("create a volume in storage pool", poolName);
            return DescribeVolume(volume, poolName);
        }

        public StorageVolumeInfo CloneStorageVolume(string poolName, StorageVolumeSpec spec, string sourceVolumePath)
        {
            using var pool = LookUpPool(poolName);
            using var source = LookUpVolume(sourceVolumePath);
            using var volume = LibvirtNative.virStorageVolCreateXMLFrom(pool, LibvirtVolumeXml.From(spec), source, 0);
            if (volume.IsInvalid) throw StorageFailure($"copy volume '{sourceVolumePath}' into storage pool", poolName);
            return DescribeVolume(volume, poolName);
        }

        public void DeleteStorageVolume(string path)
        {
            using var volume = TryLookUpVolume(path);
            if (volume == null) return;
            if (LibvirtNative.virStorageVolDelete(volume, 0) < 0) throw StorageFailure("delete volume", path);
        }

        public IVolumeReader OpenVolumeReader(string path)
        {
            using var volume = LookUpVolume(path);
            var stream = NewStream(path);
            if (LibvirtNative.virStorageVolDownload(volume, stream, 0, 0, LibvirtConstants.StorageVolDownloadSparseStream) < 0)
            {
                var failure = StorageFailure("start reading volume", path);
                stream.Dispose();
                throw failure;
            }
            return new LibvirtVolumeReader(stream, path, (action, target) => StorageFailure(action, target));
        }

        public IVolumeWriter OpenVolumeWriter(string path)
        {
            using var volume = LookUpVolume(path);
            var stream = NewStream(path);
            if (LibvirtNative.virStorageVolUpload(volume, stream, 0, 0, LibvirtConstants.StorageVolUploadSparseStream) < 0)
            {
                var failure = StorageFailure("start writing volume", path);
                stream.Dispose();
                throw failure;
            }
            return new LibvirtVolumeWriter(stream, path, (action, target) => StorageFailure(action, target));
        }

        private StreamHandle NewStream(string path)
        {
            ThrowIfDisposed();
            var stream = LibvirtNative.virStreamNew(connection, 0);
            if (stream.IsInvalid) throw StorageFailure("open a stream for volume", path);
            return stream;
        }

        private StorageVolumeInfo DescribeVolume(StorageVolumeHandle volume, string what)
        {
            var path = NativeStrings.ReadAndFree(LibvirtNative.virStorageVolGetPath(volume)) ?? throw StorageFailure("read the path of volume", what);
            if (LibvirtNative.virStorageVolGetInfoFlags(volume, out var info, 0) < 0) throw StorageFailure("read the size of volume", path);
            if (LibvirtNative.virStorageVolGetInfoFlags(volume, out var physical, LibvirtConstants.StorageVolGetPhysical) < 0)
                throw StorageFailure("read the file size of volume", path);
            var xml = XElement.Parse(NativeStrings.ReadAndFree(LibvirtNative.virStorageVolGetXMLDesc(volume, 0)) ?? throw StorageFailure("read the XML of volume", path));
            string poolName = "";
            using (var pool = LibvirtNative.virStoragePoolLookupByVolume(volume))
            {
                if (pool.IsInvalid) LibvirtNative.virResetLastError();
                else poolName = NativeStrings.Read(LibvirtNative.virStoragePoolGetName(pool)) ?? "";
            }
            return new StorageVolumeInfo
            {
                Name = NativeStrings.Read(LibvirtNative.virStorageVolGetName(volume)) ?? "",
                Path = path,
                PoolName = poolName,
                Format = (string?)xml.Element("target")?.Element("format")?.Attribute("type") ?? "raw",
                CapacityBytes = (long)info.CapacityBytes,
                AllocationBytes = (long)info.AllocationBytes,
                PhysicalBytes = (long)physical.AllocationBytes,
                BackingPath = xml.Element("backingStore")?.Element("path")?.Value,
            };
        }

        private StoragePoolHandle LookUpPool(string name)
        {
            ThrowIfDisposed();
            var pool = LibvirtNative.virStoragePoolLookupByName(connection, name);
            if (!pool.IsInvalid) return pool;
            pool.Dispose();
            throw StorageFailure("look up storage pool", name);
        }

        private StorageVolumeHandle LookUpVolume(string path)
            => TryLookUpVolume(path) ?? throw new MigrationException(ErrorIds.DiskNotInStoragePool, ErrorKind.ObjectNotFound,
                $"No storage pool on {Uri} has a volume at '{path}'. Put the disk in a pool (virsh pool-define-as ... dir) and refresh it.", path);

        private StorageVolumeHandle? TryLookUpVolume(string path)
        {
            ThrowIfDisposed();
            var volume = LibvirtNative.virStorageVolLookupByPath(connection, path);
            if (!volume.IsInvalid) return volume;
            volume.Dispose();
            var error = LibvirtError.CaptureLast();
            if (error.Code == LibvirtConstants.ErrNoStorageVolume) return null;
            throw Failure(error, LibvirtOperationContext.Storage, "look up volume", path);
        }

        private LibvirtException StorageFailure(string action, string target)
            => Failure(LibvirtError.CaptureLast(), LibvirtOperationContext.Storage, action, target);
    }
}
