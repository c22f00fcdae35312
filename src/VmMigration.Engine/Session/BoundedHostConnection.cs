using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// The host connection every caller gets (<see cref="ConnectedHost.Connection"/>): each call goes through the host's
    /// <see cref="HostCallGate"/>, within the call time limit, so no job can forget the limit. The interface is implemented
    /// explicitly, member by member, and each member must name its <see cref="HostCallKind"/> and limit: a member added to
    /// <see cref="IHostConnection"/> does not compile until it is decided here.
    /// <para>Cancellation is opt-in, through <see cref="WithCancellation"/>: an ambient token would also cancel the clean-ups
    /// that run after a stop (AbortJob, CancelDiskCopy, the look-ups that decide what to remove), and a change given up on
    /// has an unknown outcome. Only reads honour it; every call, cancellable or not, ends within its limit.</para>
    /// </summary>
    /// <remarks>
    /// Decisions, member by member (limit: "standard" is the registry's CallTimeout):
    /// <code>
    /// member                     kind     limit                               if it lands after its limit
    /// Uri, IsAlive               -        none: answered locally, no call     -   (of the connection as it is now)
    /// GetHostFacts, ListGuests,  Read     standard                            nothing to undo
    ///  FindGuest, GetLiveGuestDefinition, GetGuestDefinition, ReadGuestMemory, GetJobProgress, CheckGuestCpu,
    ///  FindStoragePool, ListStoragePoolNames, FindStorageVolume, GetDiskCopyProgress, GetDiskWrittenBytes,
    ///  GetBalanceRecord, ListLeases
    /// MeasureDirtyRateMBps       Read     standard + its period               nothing to undo
    /// MigrateLive                Change   none of its own: blocks for the whole migration, bounded by the job's deadline
    ///                                     and AbortJob (and libvirt's keepalive); refused while the host has not answered
    /// DefineGuest                Change   standard                            undefined again (the caller was told it failed)
    /// DefineAndStartGuest        Change   standard                            destroyed and undefined again
    /// StartGuest                 Change   standard                            destroyed again
    /// UndefineGuest              Change   standard                            kept: what the caller asked for; a caller that
    ///                                                                         acts on its failure must not assume it did not happen
    /// DestroyGuest               Change   the longer of standard + <see cref="KillEscalation"/>  kept, as UndefineGuest
    ///                                     and <see cref="JobLockWait"/> + 5 s
    /// UpdateGuestDefinition      Change   standard                            kept: callers read the definition to learn which
    ///                                                                         files it names (the storage move does)
    /// StartPostCopy, SetMigrationMaxDowntime, SetMigrationBandwidth
    ///                            Change   standard                            kept: they act on the job that runs, if any
    /// AbortJob                   Cleanup  standard                            kept (queued when unanswered: no job can start
    ///                                                                         on that host before it)
    /// SetBalanceRecord           Change   standard                            kept: a record is only ever replaced by a
    ///                                                                         newer one, and an extra one only holds the VM
    ///                                                                         back from balancing a little longer
    /// TryTakeLease               Change   standard                            released again (the caller was told it failed)
    /// RenewLease                 Change   standard                            kept: the lease lapses later, as asked
    /// ReleaseLease               Cleanup  standard                            -
    /// CreateDiskOverlays         Change   standard                            merged back (the guest must not stay on them)
    /// MergeDiskOverlays          Cleanup  standard + its timeout              -
    /// EnsureStoragePool          Change   standard                            kept (idempotent: takes an existing pool)
    /// CreateStorageVolume        Change   standard                            the volume is deleted (nobody got its path)
    /// CloneStorageVolume         Change   standard + the source's allocation  the volume is deleted
    ///                                     at <see cref="MinimumCopyRateBytesPerSecond"/> (the host copies it all in one call)
    /// DeleteStorageVolume        Cleanup  standard                            -
    /// OpenVolumeReader/Writer    Change   standard; each chunk of the stream  the stream is aborted
    ///                                     standard, its abort a Cleanup (<see cref="BoundedVolumeStreams"/>)
    /// StartDiskCopy              Change   standard                            the copy job is cancelled
    /// PivotDiskCopy              Change   standard + its timeout              kept: the storage move reads the live
    ///                                                                         definition to learn whether it switched
    /// CancelDiskCopy             Cleanup  standard                            -
    /// Dispose                    Cleanup  standard, then abandoned silently   -
    /// </code>
    /// A Cleanup that cannot be sent because the host has not answered an earlier call is queued and sent when it answers.
    /// A connection that died (the host rebooted; keepalive closed it while the host was frozen) is opened again by the next
    /// call, inside that call and its limit (<see cref="HostLink"/>).
    /// Every error of a call leaves with the connection's secrets masked (<see cref="SecretRedaction"/>): the gate's calls
    /// in the gate, MigrateLive here (with the destination's too); Uri is the shown form.
    /// </remarks>
    public sealed class BoundedHostConnection : IHostConnection
    {
        /// <summary>The slowest a host is expected to copy a volume into another of its pools.</summary>
        public const long MinimumCopyRateBytesPerSecond = 10L << 20;

        /// <summary>
        /// How long libvirt itself may take to power a guest off before it answers: SIGTERM, up to 10 s for QEMU to exit,
        /// then SIGKILL and up to 5 s more (a QEMU stuck receiving a migration ignores SIGTERM). Added to the standard limit,
        /// so a power-off that libvirt completes is not reported as unanswered.
        /// </summary>
        public static readonly TimeSpan KillEscalation = TimeSpan.FromSeconds(15);

        /// <summary>
        /// How long libvirt waits for a guest's job lock before it refuses a power-off ("cannot acquire state change lock"):
        /// a copy held by an incoming job that no daemon runs any more (libvirt 9.0 killed while starting its QEMU) is
        /// never released. A power-off's limit outlasts it, so that refusal reaches the caller as libvirt's answer, and
        /// the host is not taken for one that stopped answering.
        /// </summary>
        public static readonly TimeSpan JobLockWait = TimeSpan.FromSeconds(30);

        /// <summary>Merging overlays that landed late: only what the guest wrote meanwhile; generous for a busy guest.</summary>
        private static readonly TimeSpan LateOverlayMergeTimeout = TimeSpan.FromMinutes(10);

        private readonly HostLink link;
        private readonly HostCallGate gate;
        private readonly CancellationToken cancellationToken;

        public BoundedHostConnection(IHostConnection inner, HostCallGate gate) : this(new HostLink(inner, null), gate, CancellationToken.None)
        {
        }

        internal BoundedHostConnection(HostLink link, HostCallGate gate) : this(link, gate, CancellationToken.None)
        {
        }

        private BoundedHostConnection(HostLink link, HostCallGate gate, CancellationToken cancellationToken)
        {
            this.link = link;
            this.gate = gate;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>The provider's connection under the bounds, reopened when it died (never call it directly: that is what this class prevents).</summary>
        internal HostLink Link => link;

        /// <summary>The same connection, whose reads give up when <paramref name="token"/> is cancelled.</summary>
        public IHostConnection WithCancellation(CancellationToken token) => new BoundedHostConnection(link, gate, token);

        /// <summary>The provider's connection to call, opened again if it died; only ever read inside a gated call, so reopening is bounded too.</summary>
        private IHostConnection Live => link.Open();

        private T Read<T>(string what, Func<T> call, TimeSpan extra = default) =>
            gate.Run(what, HostCallKind.Read, extra, cancellationToken, call);

        private T Change<T>(string what, Func<T> call, Action<T>? undoWhenLate = null, TimeSpan extra = default) =>
            gate.Run(what, HostCallKind.Change, extra, CancellationToken.None, call, undoWhenLate);

        private void Change(string what, Action call, Action? undoWhenLate = null) =>
            gate.Run(what, HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { call(); return true; }, undoWhenLate == null ? null : (Action<bool>)(_ => undoWhenLate()));

        private void Cleanup(string what, Action call, TimeSpan extra = default) =>
            gate.Run(what, HostCallKind.Cleanup, extra, CancellationToken.None, () => { call(); return true; });

        string IHostConnection.Uri => HostUri.Redact(link.Current.Uri);

        bool IHostConnection.IsAlive => link.Current.IsAlive;

        HostFacts IHostConnection.GetHostFacts() => Read("its host facts", () => Live.GetHostFacts());

        IReadOnlyList<GuestInfo> IHostConnection.ListGuests() => Read("its list of VMs", () => Live.ListGuests());

        GuestInfo? IHostConnection.FindGuest(string nameOrUuid) => Read($"a look-up of VM '{nameOrUuid}'", () => Live.FindGuest(nameOrUuid));

        GuestInfo IHostConnection.DefineAndStartGuest(GuestDefinition definition) =>
            Change($"the definition of VM '{definition.Name}'", () => Live.DefineAndStartGuest(definition),
                late => { Live.DestroyGuest(late.Name); Live.UndefineGuest(late.Name); });

        void IHostConnection.DestroyGuest(string name) => Change($"the power-off of VM '{name}'", () => { Live.DestroyGuest(name); return true; },
            extra: Max(KillEscalation, JobLockWait + TimeSpan.FromSeconds(5) - gate.CallLimit));

        private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

        void IHostConnection.UndefineGuest(string name) => Change($"the removal of VM '{name}'", () => Live.UndefineGuest(name));

        GuestDefinition IHostConnection.GetLiveGuestDefinition(string name) => Read($"the live definition of VM '{name}'", () => Live.GetLiveGuestDefinition(name));

        byte[] IHostConnection.ReadGuestMemory(string name, ulong physicalAddress, int length) =>
            Read($"the memory of VM '{name}'", () => Live.ReadGuestMemory(name, physicalAddress, length));

        JobProgress IHostConnection.MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters)
        {
            gate.EnsureAnswering($"the migration of VM '{name}'");
            var connection = Read($"a connection for the migration of VM '{name}'", () => Live);
            // What the source says about the destination may name the destination's URI as it was given.
            return gate.Redaction.And(SecretRedaction.For(new HostUri(destinationUri))).Run(() => connection.MigrateLive(name, destinationUri, parameters));
        }

        JobProgress? IHostConnection.GetJobProgress(string name) => Read($"the job state of VM '{name}'", () => Live.GetJobProgress(name));

        void IHostConnection.AbortJob(string name) => Cleanup($"the abort of the job of VM '{name}'", () => Live.AbortJob(name));

        void IHostConnection.SetMigrationMaxDowntime(string name, long milliseconds) =>
            Change($"the downtime limit of the migration of VM '{name}'", () => Live.SetMigrationMaxDowntime(name, milliseconds));

        void IHostConnection.SetMigrationBandwidth(string name, long mebibytesPerSecond) =>
            Change($"the bandwidth of the migration of VM '{name}'", () => Live.SetMigrationBandwidth(name, mebibytesPerSecond));

        void IHostConnection.StartPostCopy(string name) => Change($"the switch to post-copy of VM '{name}'", () => Live.StartPostCopy(name));

        CpuCompatibility IHostConnection.CheckGuestCpu(GuestDefinition liveDefinition) =>
            Read($"a CPU comparison for VM '{liveDefinition.Name}'", () => Live.CheckGuestCpu(liveDefinition));

        double? IHostConnection.MeasureDirtyRateMBps(string name, TimeSpan period) =>
            Read($"the dirty rate of VM '{name}'", () => Live.MeasureDirtyRateMBps(name, period), period);

        GuestDefinition IHostConnection.GetGuestDefinition(string name) => Read($"the definition of VM '{name}'", () => Live.GetGuestDefinition(name));

        GuestInfo IHostConnection.DefineGuest(GuestDefinition definition) =>
            Change($"the definition of VM '{definition.Name}'", () => Live.DefineGuest(definition), late => UndefineIfSame(late));

        void IHostConnection.UpdateGuestDefinition(GuestDefinition definition) =>
            Change($"the update of the definition of VM '{definition.Name}'", () => Live.UpdateGuestDefinition(definition));

        void IHostConnection.StartGuest(string name) => Change($"the start of VM '{name}'", () => Live.StartGuest(name), () => Live.DestroyGuest(name));

        void IHostConnection.CreateDiskOverlays(string name, IReadOnlyDictionary<string, string> overlayFileByDiskTarget) =>
            Change($"the freezing of the disks of VM '{name}'", () => Live.CreateDiskOverlays(name, overlayFileByDiskTarget),
                () => Live.MergeDiskOverlays(name, overlayFileByDiskTarget.Keys.ToList(), LateOverlayMergeTimeout));

        void IHostConnection.MergeDiskOverlays(string name, IEnumerable<string> diskTargets, TimeSpan timeout)
        {
            var targets = diskTargets.ToList();
            Cleanup($"the merge of the disk overlays of VM '{name}'", () => Live.MergeDiskOverlays(name, targets, timeout), timeout);
        }

        StoragePoolInfo? IHostConnection.FindStoragePool(string name) => Read($"its storage pool '{name}'", () => Live.FindStoragePool(name));

        IReadOnlyList<string> IHostConnection.ListStoragePoolNames() => Read("its list of storage pools", () => Live.ListStoragePoolNames());

        StoragePoolInfo IHostConnection.EnsureStoragePool(StoragePoolSpec pool) => Change("the set-up of a storage pool", () => Live.EnsureStoragePool(pool));

        StorageVolumeInfo? IHostConnection.FindStorageVolume(string path) => Read($"the volume '{path}'", () => Live.FindStorageVolume(path));

        StorageVolumeInfo IHostConnection.CreateStorageVolume(string poolName, StorageVolumeSpec volume) =>
            Change($"the creation of a volume in pool '{poolName}'", () => Live.CreateStorageVolume(poolName, volume), late => Live.DeleteStorageVolume(late.Path));

        StorageVolumeInfo IHostConnection.CloneStorageVolume(string poolName, StorageVolumeSpec volume, string sourceVolumePath)
        {
            var source = Read($"the volume '{sourceVolumePath}'", () => Live.FindStorageVolume(sourceVolumePath));
            var copyTime = TimeSpan.FromSeconds((double)(source?.AllocationBytes ?? 0) / MinimumCopyRateBytesPerSecond);
            return Change($"the copy of the volume '{sourceVolumePath}'", () => Live.CloneStorageVolume(poolName, volume, sourceVolumePath),
                late => Live.DeleteStorageVolume(late.Path), copyTime);
        }

        void IHostConnection.DeleteStorageVolume(string path) => Cleanup($"the deletion of the volume '{path}'", () => Live.DeleteStorageVolume(path));

        IVolumeReader IHostConnection.OpenVolumeReader(string path) =>
            new BoundedVolumeStreams.Reader(Change($"the download of the volume '{path}'", () => Live.OpenVolumeReader(path), late => late.Dispose()), gate, path);

        IVolumeWriter IHostConnection.OpenVolumeWriter(string path) =>
            new BoundedVolumeStreams.Writer(Change($"the upload into the volume '{path}'", () => Live.OpenVolumeWriter(path), late => late.Dispose()), gate, path);

        void IHostConnection.StartDiskCopy(string name, string diskTarget, string destinationPath, string destinationFormat, long bandwidthBytesPerSecond, bool synchronousWrites) =>
            Change($"the start of the copy of disk {diskTarget} of VM '{name}'",
                () => Live.StartDiskCopy(name, diskTarget, destinationPath, destinationFormat, bandwidthBytesPerSecond, synchronousWrites),
                () => Live.CancelDiskCopy(name, diskTarget));

        DiskCopyProgress? IHostConnection.GetDiskCopyProgress(string name, string diskTarget) =>
            Read($"the progress of the copy of disk {diskTarget} of VM '{name}'", () => Live.GetDiskCopyProgress(name, diskTarget));

        TimeSpan IHostConnection.PivotDiskCopy(string name, string diskTarget, TimeSpan timeout) =>
            Change($"the switch of disk {diskTarget} of VM '{name}'", () => Live.PivotDiskCopy(name, diskTarget, timeout), extra: timeout);

        void IHostConnection.CancelDiskCopy(string name, string diskTarget) =>
            Cleanup($"the cancel of the copy of disk {diskTarget} of VM '{name}'", () => Live.CancelDiskCopy(name, diskTarget));

        long IHostConnection.GetDiskWrittenBytes(string name, string diskTarget) =>
            Read($"the writes to disk {diskTarget} of VM '{name}'", () => Live.GetDiskWrittenBytes(name, diskTarget));

        BalanceRecord? IHostConnection.GetBalanceRecord(string name) => Read($"the balance record of VM '{name}'", () => Live.GetBalanceRecord(name));

        void IHostConnection.SetBalanceRecord(string name, BalanceRecord record) =>
            Change($"the balance record of VM '{name}'", () => Live.SetBalanceRecord(name, record));

        IReadOnlyList<HostLease> IHostConnection.ListLeases() => Read("its leases", () => Live.ListLeases());

        HostLease? IHostConnection.TryTakeLease(HostLease lease) =>
            Change($"the '{lease.Name}' lease", () => Live.TryTakeLease(lease), late => { if (late == null) Live.ReleaseLease(lease.Name, lease.Id); });

        bool IHostConnection.RenewLease(HostLease lease) => Change($"a renewal of the '{lease.Name}' lease", () => Live.RenewLease(lease));

        void IHostConnection.ReleaseLease(string name, string id) => Cleanup($"the release of the '{name}' lease", () => Live.ReleaseLease(name, id));

        void IDisposable.Dispose()
        {
            try
            {
                var closing = link.Close();
                Cleanup("the closing of the connection", closing.Dispose);
            }
            catch (MigrationException)
            {
                // Abandoned: a host that does not answer its goodbye is gone anyway.
            }
        }

        /// <summary>A define that landed after it was reported as not answered: undone, unless another VM holds the name by now.</summary>
        private void UndefineIfSame(GuestInfo late)
        {
            if (string.Equals(Live.FindGuest(late.Name)?.Uuid, late.Uuid, StringComparison.OrdinalIgnoreCase)) Live.UndefineGuest(late.Name);
        }
    }
}
