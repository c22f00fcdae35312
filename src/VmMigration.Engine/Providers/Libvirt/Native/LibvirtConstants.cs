namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>Enum values from libvirt's public headers (virterror.h, libvirt-domain.h, libvirt-host.h, libvirt-common.h).</summary>
    internal static class LibvirtConstants
    {
        // virErrorNumber
        public const int ErrInternalError = 1;

        // virCPUCompareResult
        public const int CpuCompareIncompatible = 0;
        public const int CpuCompareIdentical = 1;
        public const int CpuCompareSuperset = 2;

        public const int ErrNoSupport = 3;
        public const int ErrNoConnect = 5;
        public const int ErrInvalidArg = 8;
        public const int ErrOperationFailed = 9;
        public const int ErrDomainExists = 28;
        public const int ErrOperationDenied = 29;
        public const int ErrSystemError = 38;
        public const int ErrRpc = 39;
        public const int ErrNoDomain = 42;
        public const int ErrAuthFailed = 45;
        public const int ErrOperationInvalid = 55;
        public const int ErrOperationTimeout = 68;
        public const int ErrArgumentUnsupported = 74;
        public const int ErrOperationAborted = 78;
        public const int ErrAuthCancelled = 79;
        public const int ErrOperationUnsupported = 84;
        public const int ErrAccessDenied = 88;
        public const int ErrCpuIncompatible = 91;
        public const int ErrAuthUnavailable = 94;
        public const int ErrNoStoragePool = 49;
        public const int ErrNoStorageVolume = 50;
        public const int ErrNoDomainMetadata = 80;
        /// <summary>VIR_ERR_NO_SECRET.</summary>
        public const int ErrNoSecret = 66;
        public const int ErrBlockCopyActive = 83;

        // virErrorDomain
        public const int FromRpc = 7;
        public const int FromRemote = 13;

        // virConnectCredentialType
        public const int CredUsername = 1;
        public const int CredAuthname = 2;
        public const int CredPassphrase = 5;
        public const int CredNoEchoPrompt = 7;

        // virDomainMigrateFlags
        public const uint MigrateLive = 1u << 0;
        public const uint MigratePeerToPeer = 1u << 1;
        public const uint MigratePersistDest = 1u << 3;
        public const uint MigrateUndefineSource = 1u << 4;
        public const uint MigrateNonSharedDisk = 1u << 6;
        public const uint MigrateCompressed = 1u << 11;
        public const uint MigrateAutoConverge = 1u << 13;
        public const uint MigratePostCopy = 1u << 15;
        /// <summary>VIR_MIGRATE_TLS: memory and NBD disk streams over TLS, with the certificates of qemu.conf's migrate_tls_x509_cert_dir.</summary>
        public const uint MigrateTls = 1u << 16;
        public const uint MigrateParallel = 1u << 17;

        // VIR_MIGRATE_PARAM_*
        public const string MigrateParamUri = "migrate_uri";
        public const string MigrateParamBandwidth = "bandwidth";
        public const string MigrateParamCompression = "compression";
        public const string MigrateParamCompressionXbzrleCache = "compression.xbzrle.cache";
        public const string MigrateParamAutoConvergeInitial = "auto_converge.initial";
        public const string MigrateParamAutoConvergeIncrement = "auto_converge.increment";
        public const string MigrateParamParallelConnections = "parallel.connections";
        public const string MigrateParamMigrateDisks = "migrate_disks";
        public const string MigrateParamDestinationXml = "destination_xml";
        public const string MigrateParamPersistentXml = "persistent_xml";

        // virDomainUndefineFlagsValues
        public const uint UndefineManagedSave = 1u << 0;
        public const uint UndefineSnapshotsMetadata = 1u << 1;
        public const uint UndefineNvram = 1u << 2;
        public const uint UndefineCheckpointsMetadata = 1u << 4;

        public const uint MemoryPhysical = 1u << 1;
        public const int DomainPaused = 3;
        /// <summary>VIR_DOMAIN_PAUSED_MIGRATION: paused for a migration (an incoming guest, or the source at the switch).</summary>
        public const int DomainPausedMigration = 2;
        public const int DomainEventIdJobCompleted = 21;
        public const uint DomainStatsDirtyRate = 1u << 9;
        public const uint DirtyRateModePageSampling = 0;
        public const int DirtyRateMeasured = 2;
        public const uint JobStatsCompleted = 1u << 0;

        // virTypedParameterType
        public const int TypedParamInt = 1;
        public const int TypedParamUInt = 2;
        public const int TypedParamLLong = 3;
        public const int TypedParamULLong = 4;
        public const int TypedParamDouble = 5;
        public const int TypedParamBoolean = 6;
        public const int TypedParamString = 7;

        public const int UuidStringBufferLength = 37;

        public const uint DomainXmlInactive = 1u << 1;
        public const uint DomainXmlMigratable = 1u << 3;

        // Disk-only external snapshots and active block commit
        public const uint SnapshotCreateNoMetadata = 1u << 2;
        public const uint SnapshotCreateDiskOnly = 1u << 4;
        public const uint SnapshotCreateAtomic = 1u << 7;
        public const uint BlockCommitDelete = 1u << 1;
        public const uint BlockCommitActive = 1u << 2;
        public const uint BlockJobAbortPivot = 1u << 1;

        // Block copy (live storage migration)
        public const uint BlockCopyReuseExternal = 1u << 1;
        public const uint BlockCopyTransientJob = 1u << 2;
        public const uint BlockCopySynchronousWrites = 1u << 3;
        public const uint BlockJobInfoBandwidthBytes = 1u << 0;
        public const int BlockJobTypeCopy = 2;
        public const string BlockCopyParamBandwidth = "bandwidth";
        public const int DomainMetadataElement = 2;
        /// <summary>VIR_SECRET_USAGE_TYPE_TLS: a usage whose id is a free name, unique on the host.</summary>
        public const int SecretUsageTls = 4;
        /// <summary>virDomainModificationImpact: the running domain's live definition, and the persistent one.</summary>
        public const uint DomainAffectLive = 1u << 0;
        public const uint DomainAffectConfig = 1u << 1;

        // Storage
        public const uint StoragePoolBuildNoOverwrite = 1u << 2;
        public const uint StorageVolGetPhysical = 1u << 0;
        public const uint StorageVolDownloadSparseStream = 1u << 0;
        public const uint StorageVolUploadSparseStream = 1u << 0;
        public const uint StreamRecvStopAtHole = 1u << 0;
        /// <summary>virStreamRecvFlags: the stream is at a hole; read its length with virStreamRecvHole.</summary>
        public const int StreamRecvAtHole = -3;
    }
}
