using System;
using System.Collections.Generic;

namespace VmMigration.Providers
{
    /// <summary>
    /// One open connection to one host. Thread-safe: a migration blocks one thread in <see cref="MigrateLive"/>
    /// while another polls <see cref="GetJobProgress"/>, tunes or aborts the job.
    /// Every failure is a MigrationException with a stable id (libvirt failures carry libvirt's code and message).
    /// </summary>
    public interface IHostConnection : IDisposable
    {
        /// <summary>The host's URI as it may be shown: secrets masked (<see cref="HostUri.Display"/>).</summary>
        string Uri { get; }

        /// <summary>False once the connection was closed or the peer was found dead.</summary>
        bool IsAlive { get; }

        HostFacts GetHostFacts();

        IReadOnlyList<GuestInfo> ListGuests();

        /// <summary>The guest with that name or UUID, or null when this host has none.</summary>
        GuestInfo? FindGuest(string nameOrUuid);

        /// <summary>Defines a persistent guest and starts it; refuses a name that exists.</summary>
        GuestInfo DefineAndStartGuest(GuestDefinition definition);

        /// <summary>Hard power-off (virDomainDestroy). A guest that is not running is left as it is.</summary>
        void DestroyGuest(string name);

        /// <summary>Removes the persistent definition (and NVRAM/managed save metadata) of a guest.</summary>
        void UndefineGuest(string name);

        /// <summary>The definition the guest runs with now (for a running guest: the files it has open, with their backing chains).</summary>
        GuestDefinition GetLiveGuestDefinition(string name);

        /// <summary>Reads guest-physical memory (virDomainMemoryPeek with VIR_MEMORY_PHYSICAL), in large chunks.</summary>
        byte[] ReadGuestMemory(string name, ulong physicalAddress, int length);

        /// <summary>
        /// Runs a live migration to <paramref name="destinationUri"/> and blocks until it ends.
        /// Returns the completed-job statistics; throws MigrationException (MigrationAborted when aborted,
        /// MigrationFailed otherwise) when it did not complete.
        /// </summary>
        JobProgress MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters);

        /// <summary>Statistics of the job running on that guest now, or null when none runs.</summary>
        JobProgress? GetJobProgress(string name);

        /// <summary>Aborts the job running on that guest (virDomainAbortJob). No-op when none runs.</summary>
        void AbortJob(string name);

        void SetMigrationMaxDowntime(string name, long milliseconds);

        void SetMigrationBandwidth(string name, long mebibytesPerSecond);

        /// <summary>Switches a running migration that was started with post-copy enabled to post-copy.</summary>
        void StartPostCopy(string name);

        /// <summary>
        /// Whether this host's hypervisor can run a guest with the CPU that <paramref name="liveDefinition"/> (the guest's live
        /// definition on its current host) asks for; Compatible is null when the CPU cannot be compared (e.g. host-passthrough).
        /// </summary>
        CpuCompatibility CheckGuestCpu(GuestDefinition liveDefinition);

        /// <summary>Measures how fast the guest dirties memory over <paramref name="period"/> (blocks for that long).</summary>
        double? MeasureDirtyRateMBps(string name, TimeSpan period);

        /// <summary>The persistent definition of a guest (what it starts from next time): what a copy of it starts from.</summary>
        GuestDefinition GetGuestDefinition(string name);

        /// <summary>Defines a persistent guest without starting it; refuses a name that exists.</summary>
        GuestInfo DefineGuest(GuestDefinition definition);

        /// <summary>Replaces the persistent definition of the existing guest of that name (a running one keeps its live state).</summary>
        void UpdateGuestDefinition(GuestDefinition definition);

        void StartGuest(string name);

        /// <summary>
        /// Freezes disks of a running guest: each named disk (target device -> new overlay file) gets an external qcow2 overlay
        /// that takes the guest's writes from now on, so the original files stop changing (a disk-only external snapshot,
        /// atomic across disks, no snapshot metadata). Undo with <see cref="MergeDiskOverlays"/>.
        /// </summary>
        void CreateDiskOverlays(string name, IReadOnlyDictionary<string, string> overlayFileByDiskTarget);

        /// <summary>Commits each disk's active overlay back into its original file, pivots the guest onto it and deletes the overlay.</summary>
        void MergeDiskOverlays(string name, IEnumerable<string> diskTargets, TimeSpan timeout);

        /// <summary>The pool with that name, refreshed so its free space is current; null when the host has none.</summary>
        StoragePoolInfo? FindStoragePool(string name);

        /// <summary>The names of the host's storage pools, active or not (no refresh: only names are read).</summary>
        IReadOnlyList<string> ListStoragePoolNames();

        /// <summary>Defines a pool (or takes the existing one of that name), starts it and marks it autostart.</summary>
        StoragePoolInfo EnsureStoragePool(StoragePoolSpec pool);

        /// <summary>The volume at that path in any pool of the host; null when no pool has it.</summary>
        StorageVolumeInfo? FindStorageVolume(string path);

        /// <summary>Creates a volume in a pool.</summary>
        StorageVolumeInfo CreateStorageVolume(string poolName, StorageVolumeSpec volume);

        /// <summary>Creates a volume in a pool as a copy of another volume of the same host (virStorageVolCreateXMLFrom).</summary>
        StorageVolumeInfo CloneStorageVolume(string poolName, StorageVolumeSpec volume, string sourceVolumePath);

        /// <summary>Deletes the volume and its data. A path no pool has is left alone.</summary>
        void DeleteStorageVolume(string path);

        /// <summary>Streams the volume's bytes out, holes as lengths (virStorageVolDownload, sparse).</summary>
        IVolumeReader OpenVolumeReader(string path);

        /// <summary>Streams bytes into the volume from its start, holes skipped (virStorageVolUpload, sparse).</summary>
        IVolumeWriter OpenVolumeWriter(string path);

        /// <summary>
        /// Starts copying a running guest's disk into an existing file (block copy / mirror): the copy catches up while the
        /// guest runs and then mirrors every write until <see cref="PivotDiskCopy"/> switches the guest onto it or
        /// <see cref="CancelDiskCopy"/> drops it. With <paramref name="synchronousWrites"/> each guest write lands on both
        /// disks before it completes, so the copy always catches up however fast the guest writes.
        /// </summary>
        void StartDiskCopy(string name, string diskTarget, string destinationPath, string destinationFormat, long bandwidthBytesPerSecond, bool synchronousWrites);

        /// <summary>The disk copy running on that disk, or null when none runs (it finished, failed or was cancelled).</summary>
        DiskCopyProgress? GetDiskCopyProgress(string name, string diskTarget);

        /// <summary>
        /// Switches the guest onto the copy of that disk (waits up to <paramref name="timeout"/> for it to be in sync). Returns how
        /// long the switch itself took: the hypervisor call that succeeded, an upper bound of the pause of the disk's I/O.
        /// </summary>
        TimeSpan PivotDiskCopy(string name, string diskTarget, TimeSpan timeout);

        /// <summary>Stops a disk copy; the guest keeps its original disk. No-op when no copy runs.</summary>
        void CancelDiskCopy(string name, string diskTarget);

        /// <summary>Bytes the guest has written to that disk since it started (for its write rate).</summary>
        long GetDiskWrittenBytes(string name, string diskTarget);

        /// <summary>When a balance run last moved the guest, as recorded with the guest itself; null when none is recorded.</summary>
        BalanceRecord? GetBalanceRecord(string name);

        /// <summary>
        /// Records a balancing move with the guest, in its live definition (which a live migration carries along) and in its
        /// persistent one (which survives a restart), replacing an earlier record.
        /// </summary>
        void SetBalanceRecord(string name, BalanceRecord record);

        /// <summary>The leases kept on this host (<see cref="HostLease"/>), whoever holds them.</summary>
        IReadOnlyList<HostLease> ListLeases();

        /// <summary>
        /// Takes <paramref name="lease"/> when the host has no lease of its name (atomic on the host): null when taken,
        /// else the lease that holds the name, expired or not (the caller decides whether to release an expired one).
        /// </summary>
        HostLease? TryTakeLease(HostLease lease);

        /// <summary>Writes a lease this runner holds again (a later expiry); false when the host no longer has it (it lapsed and was taken).</summary>
        bool RenewLease(HostLease lease);

        /// <summary>Removes the lease of that name when it is the taking <paramref name="id"/>; no-op otherwise (released already, or taken over).</summary>
        void ReleaseLease(string name, string id);
    }
}
