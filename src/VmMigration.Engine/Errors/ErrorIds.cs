namespace VmMigration.Errors
{
    /// <summary>The stable error ids. Scripts match on these; never rename one.</summary>
    public static partial class ErrorIds
    {
        public const string VmNotFound = "VmNotFound";
        public const string HostNotFound = "HostNotFound";
        public const string HostUnreachable = "HostUnreachable";
        public const string HostConnectTimeout = "HostConnectTimeout";
        public const string HostAlreadyConnected = "HostAlreadyConnected";
        public const string AmbiguousVmName = "AmbiguousVmName";
        public const string DestinationIsSource = "DestinationIsSource";
        public const string VmNotRunning = "VmNotRunning";
        public const string VmExistsOnDestination = "VmExistsOnDestination";
        public const string InsufficientCapacity = "InsufficientCapacity";
        public const string MigrationInProgress = "MigrationInProgress";
        public const string MigrationFailed = "MigrationFailed";
        public const string MigrationAborted = "MigrationAborted";
        public const string MigrationNotConverging = "MigrationNotConverging";
        public const string MigrationStalled = "MigrationStalled";
        /// <summary>-Encryption Required, and TLS cannot be set up between the two hosts (certificates missing or unusable).</summary>
        public const string EncryptionUnavailable = "EncryptionUnavailable";
        /// <summary>-MigrationNetwork names a network in which the destination has no known address.</summary>
        public const string MigrationNetworkUnreachable = "MigrationNetworkUnreachable";
        public const string CpuIncompatible = "CpuIncompatible";
        /// <summary>Evacuation: a move that would end after -Deadline is not started.</summary>
        public const string DeadlineWouldBeMissed = "DeadlineWouldBeMissed";
        /// <summary>Evacuation with -StopOnError: a move failed, so the moves after it were not started.</summary>
        public const string StoppedOnError = "StoppedOnError";
        /// <summary>Balancing: a step not started because a move of an earlier wave failed: the later waves counted on it.</summary>
        public const string EarlierMoveFailed = "EarlierMoveFailed";
        /// <summary>Failback: a VM the evacuation moved that someone moved again since is left where it is.</summary>
        public const string VmMovedOn = "VmMovedOn";
        /// <summary>A shut-off VM's move needs its disks moved and they cannot be (cold move).</summary>
        public const string ColdMoveNeedsStorage = "ColdMoveNeedsStorage";
        /// <summary>A background job (-AsJob) failed as a whole: the reason is in its error record.</summary>
        public const string JobFailed = "JobFailed";
        /// <summary>A run needs a host that another run (on this or another machine) holds; the message names the holder and since when.</summary>
        public const string HostHeldByAnotherRun = "HostHeldByAnotherRun";
        /// <summary>A move not started because the run lost its lease on a host to another run (it lapsed while it could not be renewed).</summary>
        public const string RunLeaseLost = "RunLeaseLost";
        public const string PlanIsStale = "PlanIsStale";
        public const string LibvirtError = "LibvirtError";
        public const string LibvirtNotInstalled = "LibvirtNotInstalled";
        public const string LabRequiresRoot = "LabRequiresRoot";
        public const string LabRequiresLinux = "LabRequiresLinux";
        public const string LabNotRunning = "LabNotRunning";
        public const string LabHostDown = "LabHostDown";
        public const string LabStartFailed = "LabStartFailed";
        public const string LabGuestImageMissing = "LabGuestImageMissing";
        public const string InvalidArgument = "InvalidArgument";
        public const string StateLocked = "StateLocked";
        public const string NotALabHost = "NotALabHost";
        public const string RuleNotFound = "RuleNotFound";
        public const string InvalidStateFile = "InvalidStateFile";
        /// <summary>The source's libvirt cannot compress migration streams the way -Compression asks (zlib/zstd need libvirt 9.4).</summary>
        public const string CompressionUnsupported = "CompressionUnsupported";
        /// <summary>No provider handles the scheme of a host URI (or it has none); the message lists the schemes known.</summary>
        public const string UnknownUriScheme = "UnknownUriScheme";
        /// <summary>The URI names a hypervisor whose provider does not exist yet (hyperv://).</summary>
        public const string HypervisorProviderUnavailable = "HypervisorProviderUnavailable";
        /// <summary>Stop-MigrationJob: the VM has no hypervisor job in flight on the connected hosts (none ran, or it ended).</summary>
        public const string MigrationJobNotFound = "MigrationJobNotFound";
        /// <summary>Stop-MigrationJob: the job cannot be aborted safely from here (its source is not connected, it is in post-copy, it is a disk copy).</summary>
        public const string MigrationJobNotStoppable = "MigrationJobNotStoppable";
        /// <summary>Stop-MigrationJob: the abort was sent but the job had not ended when the wait for it did.</summary>
        public const string MigrationJobStillRunning = "MigrationJobStillRunning";
    }
}
