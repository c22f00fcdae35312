using System;
using System.Collections.Generic;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// What the module does on libvirt hosts that this provider does not do on Hyper-V (yet): each refuses with
    /// NotSupportedOnHyperV saying what and why. Reads that have an honest empty answer give it (no libvirt storage pools,
    /// no leases, no balance record), so inventories and plans still work; the changes that would need them refuse.
    /// </summary>
    public sealed partial class HyperVHostConnection
    {
        public byte[] ReadGuestMemory(string name, ulong physicalAddress, int length) =>
            throw NotSupported($"reading the memory of VM '{name}'", "Hyper-V offers no guest-memory read over CIM (the lab's memory check is libvirt only)");

        public double? MeasureDirtyRateMBps(string name, TimeSpan period) =>
            throw NotSupported($"measuring how fast VM '{name}' dirties memory", "Hyper-V does not publish a dirty rate");

        public void SetMigrationMaxDowntime(string name, long milliseconds) =>
            throw NotSupported($"tuning the downtime of the move of '{name}'", "Hyper-V decides the switch-over itself");

        public void SetMigrationBandwidth(string name, long mebibytesPerSecond) =>
            throw NotSupported($"limiting the bandwidth of the move of '{name}'", "Hyper-V limits migration bandwidth per host (SMB bandwidth limits), not per move");

        public void StartPostCopy(string name) =>
            throw NotSupported($"post-copy for '{name}'", "Hyper-V live migration has no post-copy phase");

        public GuestInfo DefineAndStartGuest(GuestDefinition definition) => throw NotSupported($"defining VM '{definition.Name}'", NoDefinitions);

        public GuestInfo DefineGuest(GuestDefinition definition) => throw NotSupported($"defining VM '{definition.Name}'", NoDefinitions);

        public void UpdateGuestDefinition(GuestDefinition definition) => throw NotSupported($"changing the definition of VM '{definition.Name}'", NoDefinitions);

        public void UndefineGuest(string name) => throw NotSupported($"removing VM '{name}'", NoDefinitions);

        public void DestroyGuest(string name) => throw NotSupported($"powering off VM '{name}'", NoPowerControl);

        public void StartGuest(string name) => throw NotSupported($"starting VM '{name}'", NoPowerControl);

        public void CreateDiskOverlays(string name, IReadOnlyDictionary<string, string> overlayFileByDiskTarget) =>
            throw NotSupported($"freezing the disks of VM '{name}' (linked clones)", NoStorage);

        public void MergeDiskOverlays(string name, IEnumerable<string> diskTargets, TimeSpan timeout) =>
            throw NotSupported($"merging the disk overlays of VM '{name}'", NoStorage);

        /// <summary>Hyper-V has no libvirt storage pools: none by that name.</summary>
        public StoragePoolInfo? FindStoragePool(string name) => null;

        public IReadOnlyList<string> ListStoragePoolNames() => Array.Empty<string>();

        public StoragePoolInfo EnsureStoragePool(StoragePoolSpec pool) => throw NotSupported($"defining the storage pool '{pool.Name}'", NoStorage);

        /// <summary>No pool holds any path (there are none), which is what the shared-disk checks ask.</summary>
        public StorageVolumeInfo? FindStorageVolume(string path) => null;

        public StorageVolumeInfo CreateStorageVolume(string poolName, StorageVolumeSpec volume) => throw NotSupported($"creating a volume in '{poolName}'", NoStorage);

        public StorageVolumeInfo CloneStorageVolume(string poolName, StorageVolumeSpec volume, string sourceVolumePath) =>
            throw NotSupported($"copying the volume '{sourceVolumePath}'", NoStorage);

        public void DeleteStorageVolume(string path) => throw NotSupported($"deleting the volume '{path}'", NoStorage);

        public IVolumeReader OpenVolumeReader(string path) => throw NotSupported($"reading the volume '{path}'", NoStorage);

        public IVolumeWriter OpenVolumeWriter(string path) => throw NotSupported($"writing the volume '{path}'", NoStorage);

        public void StartDiskCopy(string name, string diskTarget, string destinationPath, string destinationFormat, long bandwidthBytesPerSecond, bool synchronousWrites) =>
            throw NotSupported($"copying disk {diskTarget} of VM '{name}' on its own", NoStorageMove);

        /// <summary>No disk copy of ours ever runs on Hyper-V.</summary>
        public DiskCopyProgress? GetDiskCopyProgress(string name, string diskTarget) => null;

        public TimeSpan PivotDiskCopy(string name, string diskTarget, TimeSpan timeout) => throw NotSupported($"switching disk {diskTarget} of VM '{name}'", NoStorageMove);

        /// <summary>No-op: no disk copy of ours runs here.</summary>
        public void CancelDiskCopy(string name, string diskTarget)
        {
        }

        public long GetDiskWrittenBytes(string name, string diskTarget) => throw NotSupported($"reading the write count of disk {diskTarget} of VM '{name}'", NoStorageMove);

        /// <summary>None is kept on Hyper-V (see <see cref="SetBalanceRecord"/>), so balancing treats every VM as never balanced.</summary>
        public BalanceRecord? GetBalanceRecord(string name) => null;

        public void SetBalanceRecord(string name, BalanceRecord record) =>
            throw NotSupported($"recording the balancing move of VM '{name}'", "the record would have to be written into the VM's settings (Notes), which this experimental provider does not change");

        /// <summary>None can exist: this provider never takes one.</summary>
        public IReadOnlyList<HostLease> ListLeases() => Array.Empty<HostLease>();

        public HostLease? TryTakeLease(HostLease lease) => throw NotSupported($"taking the '{lease.Name}' lease", NoLeases);

        public bool RenewLease(HostLease lease) => throw NotSupported($"renewing the '{lease.Name}' lease", NoLeases);

        public void ReleaseLease(string name, string id) => throw NotSupported($"releasing the '{name}' lease", NoLeases);

        private const string NoDefinitions = "this experimental provider reads VMs and moves them; it does not create, change or remove them";
        private const string NoPowerControl = "this experimental provider does not change a VM's power state";
        private const string NoStorage = "Hyper-V has no libvirt storage pools or volumes; its disks are VHDX files this provider does not manage";
        private const string NoStorageMove = "on Hyper-V a VM's storage moves with the VM itself (Move-VMLive -CopyStorage)";
        private const string NoLeases = "host leases (run holds, maintenance marks) are not kept on Hyper-V hosts yet, so evacuations, balancing and rolling maintenance do not run there";

        private MigrationException NotSupported(string what, string why) =>
            new MigrationException(ErrorIds.NotSupportedOnHyperV, ErrorKind.NotImplemented, $"Cannot do {what} on Hyper-V host '{Uri}': {why}.", Uri);
    }
}
