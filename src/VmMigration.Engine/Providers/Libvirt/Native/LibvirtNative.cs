using System;
using System.Runtime.InteropServices;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>
    /// The libvirt C API entry points the provider uses (signatures from libvirt 9.0's public headers).
    /// C <c>unsigned long</c> is mapped to <see cref="ulong"/>: libvirt's client library is used on 64-bit Linux (LP64) only.
    /// </summary>
    internal static class LibvirtNative
    {
        internal const string Library = "libvirt.so.0";

        /// <summary>
        /// UnmanagedType.LPUTF8Str: missing from netstandard2.0's reference assemblies, but honoured by every runtime
        /// the module loads in (.NET Framework 4.7+ and .NET Core); libvirt takes and returns UTF-8.
        /// </summary>
        private const UnmanagedType Utf8 = (UnmanagedType)48;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void ErrorCallback(IntPtr userData, IntPtr error);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int AuthCallback(IntPtr credentials, uint count, IntPtr callbackData);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void FreeCallback(IntPtr opaque);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void JobCompletedCallback(IntPtr connection, IntPtr domain, IntPtr parameters, int count, IntPtr opaque);

        // Library, errors and the event loop
        [DllImport(Library)] internal static extern int virInitialize();
        [DllImport(Library)] internal static extern int virGetVersion(out ulong libraryVersion, IntPtr type, IntPtr typeVersion);
        [DllImport(Library)] internal static extern void virSetErrorFunc(IntPtr userData, ErrorCallback handler);
        [DllImport(Library)] internal static extern IntPtr virSaveLastError();
        [DllImport(Library)] internal static extern void virFreeError(IntPtr error);
        [DllImport(Library)] internal static extern void virResetLastError();
        [DllImport(Library)] internal static extern int virEventRegisterDefaultImpl();
        [DllImport(Library)] internal static extern int virEventRunDefaultImpl();

        // Connections and hosts
        [DllImport(Library)]
        internal static extern ConnectionHandle virConnectOpen([MarshalAs(Utf8)] string name);
        [DllImport(Library)]
        internal static extern ConnectionHandle virConnectOpenAuth([MarshalAs(Utf8)] string name, IntPtr auth, uint flags);
        [DllImport(Library)] internal static extern int virConnectClose(IntPtr connection);
        [DllImport(Library)] internal static extern int virConnectSetKeepAlive(ConnectionHandle connection, int intervalSeconds, uint count);
        [DllImport(Library)] internal static extern int virConnectIsAlive(ConnectionHandle connection);
        [DllImport(Library)] internal static extern IntPtr virConnectGetHostname(ConnectionHandle connection);
        [DllImport(Library)] internal static extern IntPtr virConnectGetCapabilities(ConnectionHandle connection);
        [DllImport(Library)] internal static extern IntPtr virConnectGetType(ConnectionHandle connection);
        [DllImport(Library)]
        internal static extern int virConnectCompareHypervisorCPU(ConnectionHandle connection, [MarshalAs(Utf8)] string? emulator, [MarshalAs(Utf8)] string? arch,
            [MarshalAs(Utf8)] string? machine, [MarshalAs(Utf8)] string? virttype, [MarshalAs(Utf8)] string xmlCpu, uint flags);
        [DllImport(Library)] internal static extern int virConnectGetVersion(ConnectionHandle connection, out ulong hypervisorVersion);
        [DllImport(Library)] internal static extern int virConnectGetLibVersion(ConnectionHandle connection, out ulong libraryVersion);
        [DllImport(Library)] internal static extern int virNodeGetInfo(ConnectionHandle connection, out NodeInfo info);
        [DllImport(Library)] internal static extern ulong virNodeGetFreeMemory(ConnectionHandle connection);
        [DllImport(Library)] internal static extern int virConnectListAllDomains(ConnectionHandle connection, out IntPtr domains, uint flags);
        [DllImport(Library)]
        internal static extern int virConnectDomainEventRegisterAny(
            ConnectionHandle connection, IntPtr domain, int eventId, IntPtr callback, IntPtr opaque, IntPtr freeCallback);
        [DllImport(Library)] internal static extern int virConnectDomainEventDeregisterAny(ConnectionHandle connection, int callbackId);

        // Domains
        [DllImport(Library)]
        internal static extern DomainHandle virDomainLookupByName(ConnectionHandle connection, [MarshalAs(Utf8)] string name);
        [DllImport(Library)]
        internal static extern DomainHandle virDomainLookupByUUIDString(ConnectionHandle connection, [MarshalAs(Utf8)] string uuid);
        [DllImport(Library)]
        internal static extern DomainHandle virDomainDefineXML(ConnectionHandle connection, [MarshalAs(Utf8)] string xml);
        [DllImport(Library)] internal static extern int virDomainFree(IntPtr domain);
        [DllImport(Library)] internal static extern IntPtr virDomainGetName(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainGetUUIDString(DomainHandle domain, byte[] buffer);
        /// <summary>For event callbacks, where libvirt lends a domain pointer that we must not free.</summary>
        [DllImport(Library, EntryPoint = "virDomainGetUUIDString")] internal static extern int virDomainGetUUIDStringBorrowed(IntPtr domain, byte[] buffer);
        [DllImport(Library)] internal static extern int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);
        [DllImport(Library)] internal static extern int virDomainGetInfo(DomainHandle domain, out DomainInfo info);
        [DllImport(Library)] internal static extern int virDomainIsPersistent(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainCreate(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainDestroy(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainUndefine(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainUndefineFlags(DomainHandle domain, uint flags);
        [DllImport(Library)] internal static extern IntPtr virDomainGetXMLDesc(DomainHandle domain, uint flags);
        [DllImport(Library)] internal static extern int virDomainMemoryPeek(DomainHandle domain, ulong start, UIntPtr size, IntPtr buffer, uint flags);

        // Migration and jobs
        [DllImport(Library)]
        internal static extern int virDomainMigrateToURI3(
            DomainHandle domain, [MarshalAs(Utf8)] string destinationUri, IntPtr parameters, uint count, uint flags);
        [DllImport(Library)] internal static extern int virDomainMigrateSetMaxDowntime(DomainHandle domain, ulong milliseconds, uint flags);
        [DllImport(Library)] internal static extern int virDomainMigrateSetMaxSpeed(DomainHandle domain, ulong mebibytesPerSecond, uint flags);
        [DllImport(Library)] internal static extern int virDomainMigrateStartPostCopy(DomainHandle domain, uint flags);
        [DllImport(Library)]
        internal static extern int virDomainGetJobStats(DomainHandle domain, out int type, out IntPtr parameters, out int count, uint flags);
        [DllImport(Library)] internal static extern int virDomainAbortJob(DomainHandle domain);
        [DllImport(Library)] internal static extern int virDomainStartDirtyRateCalc(DomainHandle domain, int seconds, uint flags);
        [DllImport(Library)] internal static extern int virDomainListGetStats(IntPtr[] nullTerminatedDomains, uint stats, out IntPtr records, uint flags);
        [DllImport(Library)] internal static extern void virDomainStatsRecordListFree(IntPtr records);

        [DllImport(Library)]
        internal static extern IntPtr virDomainSnapshotCreateXML(DomainHandle domain, [MarshalAs(Utf8)] string xml, uint flags);
        [DllImport(Library)] internal static extern int virDomainSnapshotFree(IntPtr snapshot);
        [DllImport(Library)]
        internal static extern int virDomainBlockCommit(DomainHandle domain, [MarshalAs(Utf8)] string disk, IntPtr baseImage, IntPtr topImage, ulong bandwidth, uint flags);
        [DllImport(Library)] internal static extern int virDomainBlockJobAbort(DomainHandle domain, [MarshalAs(Utf8)] string disk, uint flags);
        [DllImport(Library)]
        internal static extern int virDomainBlockCopy(DomainHandle domain, [MarshalAs(Utf8)] string disk, [MarshalAs(Utf8)] string destinationXml, IntPtr parameters, int count, uint flags);
        [DllImport(Library)]
        internal static extern int virDomainGetBlockJobInfo(DomainHandle domain, [MarshalAs(Utf8)] string disk, out BlockJobNativeInfo info, uint flags);
        [DllImport(Library)]
        internal static extern int virDomainBlockStats(DomainHandle domain, [MarshalAs(Utf8)] string disk, out BlockStatsNativeInfo stats, UIntPtr size);
        [DllImport(Library)]
        internal static extern IntPtr virDomainGetMetadata(DomainHandle domain, int type, [MarshalAs(Utf8)] string uri, uint flags);
        [DllImport(Library)]
        internal static extern int virDomainSetMetadata(DomainHandle domain, int type, [MarshalAs(Utf8)] string metadata,
            [MarshalAs(Utf8)] string key, [MarshalAs(Utf8)] string uri, uint flags);
        [DllImport(Library)] internal static extern int virDomainIsActive(DomainHandle domain);

        // Secrets: the objects that carry the module's host leases (HostLeaseXml)
        [DllImport(Library)]
        internal static extern SecretHandle virSecretDefineXML(ConnectionHandle connection, [MarshalAs(Utf8)] string xml, uint flags);
        [DllImport(Library)]
        internal static extern SecretHandle virSecretLookupByUsage(ConnectionHandle connection, int usageType, [MarshalAs(Utf8)] string usageId);
        [DllImport(Library)]
        internal static extern SecretHandle virSecretLookupByUUIDString(ConnectionHandle connection, [MarshalAs(Utf8)] string uuid);
        [DllImport(Library)] internal static extern IntPtr virSecretGetXMLDesc(SecretHandle secret, uint flags);
        [DllImport(Library)] internal static extern int virSecretUndefine(SecretHandle secret);
        [DllImport(Library)] internal static extern int virSecretFree(IntPtr secret);
        [DllImport(Library)] internal static extern int virConnectListAllSecrets(ConnectionHandle connection, out IntPtr secrets, uint flags);

        // Storage pools and volumes
        [DllImport(Library)]
        internal static extern StoragePoolHandle virStoragePoolLookupByName(ConnectionHandle connection, [MarshalAs(Utf8)] string name);
        [DllImport(Library)]
        internal static extern StoragePoolHandle virStoragePoolDefineXML(ConnectionHandle connection, [MarshalAs(Utf8)] string xml, uint flags);
        [DllImport(Library)] internal static extern int virConnectListAllStoragePools(ConnectionHandle connection, out IntPtr pools, uint flags);
        [DllImport(Library)] internal static extern StoragePoolHandle virStoragePoolLookupByVolume(StorageVolumeHandle volume);
        [DllImport(Library)] internal static extern int virStoragePoolFree(IntPtr pool);
        [DllImport(Library)] internal static extern int virStoragePoolBuild(StoragePoolHandle pool, uint flags);
        [DllImport(Library)] internal static extern int virStoragePoolCreate(StoragePoolHandle pool, uint flags);
        [DllImport(Library)] internal static extern int virStoragePoolSetAutostart(StoragePoolHandle pool, int autostart);
        [DllImport(Library)] internal static extern int virStoragePoolIsActive(StoragePoolHandle pool);
        [DllImport(Library)] internal static extern int virStoragePoolRefresh(StoragePoolHandle pool, uint flags);
        [DllImport(Library)] internal static extern int virStoragePoolGetInfo(StoragePoolHandle pool, out StoragePoolNativeInfo info);
        [DllImport(Library)] internal static extern IntPtr virStoragePoolGetXMLDesc(StoragePoolHandle pool, uint flags);
        [DllImport(Library)] internal static extern IntPtr virStoragePoolGetName(StoragePoolHandle pool);
        [DllImport(Library)]
        internal static extern StorageVolumeHandle virStorageVolLookupByPath(ConnectionHandle connection, [MarshalAs(Utf8)] string path);
        [DllImport(Library)]
        internal static extern StorageVolumeHandle virStorageVolCreateXML(StoragePoolHandle pool, [MarshalAs(Utf8)] string xml, uint flags);
        [DllImport(Library)]
        internal static extern StorageVolumeHandle virStorageVolCreateXMLFrom(StoragePoolHandle pool, [MarshalAs(Utf8)] string xml, StorageVolumeHandle source, uint flags);
        [DllImport(Library)] internal static extern int virStorageVolFree(IntPtr volume);
        [DllImport(Library)] internal static extern int virStorageVolDelete(StorageVolumeHandle volume, uint flags);
        [DllImport(Library)] internal static extern IntPtr virStorageVolGetName(StorageVolumeHandle volume);
        [DllImport(Library)] internal static extern IntPtr virStorageVolGetPath(StorageVolumeHandle volume);
        [DllImport(Library)] internal static extern IntPtr virStorageVolGetXMLDesc(StorageVolumeHandle volume, uint flags);
        [DllImport(Library)] internal static extern int virStorageVolGetInfoFlags(StorageVolumeHandle volume, out StorageVolumeNativeInfo info, uint flags);
        [DllImport(Library)]
        internal static extern int virStorageVolDownload(StorageVolumeHandle volume, StreamHandle stream, ulong offset, ulong length, uint flags);
        [DllImport(Library)]
        internal static extern int virStorageVolUpload(StorageVolumeHandle volume, StreamHandle stream, ulong offset, ulong length, uint flags);

        // Streams
        [DllImport(Library)] internal static extern StreamHandle virStreamNew(ConnectionHandle connection, uint flags);
        [DllImport(Library)] internal static extern int virStreamFree(IntPtr stream);
        [DllImport(Library)] internal static extern int virStreamFinish(StreamHandle stream);
        [DllImport(Library)] internal static extern int virStreamAbort(StreamHandle stream);
        [DllImport(Library)] internal static extern int virStreamRecvFlags(StreamHandle stream, byte[] data, UIntPtr length, uint flags);
        [DllImport(Library)] internal static extern int virStreamRecvHole(StreamHandle stream, out long length, uint flags);
        [DllImport(Library)] internal static extern int virStreamSend(StreamHandle stream, byte[] data, UIntPtr length);
        [DllImport(Library)] internal static extern int virStreamSendHole(StreamHandle stream, long length, uint flags);

        // Typed parameters
        [DllImport(Library)]
        internal static extern int virTypedParamsAddInt(ref IntPtr parameters, ref int count, ref int capacity,
            [MarshalAs(Utf8)] string name, int value);
        [DllImport(Library)]
        internal static extern int virTypedParamsAddULLong(ref IntPtr parameters, ref int count, ref int capacity,
            [MarshalAs(Utf8)] string name, ulong value);
        [DllImport(Library)]
        internal static extern int virTypedParamsAddString(ref IntPtr parameters, ref int count, ref int capacity,
            [MarshalAs(Utf8)] string name, [MarshalAs(Utf8)] string value);
        [DllImport(Library)] internal static extern void virTypedParamsFree(IntPtr parameters, int count);
    }
}
