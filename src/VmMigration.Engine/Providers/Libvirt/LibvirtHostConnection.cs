using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// One open libvirt connection. libvirt connections are thread-safe, and the SafeHandles keep the native objects alive
    /// while any call uses them, so concurrent calls (a blocking migration plus polling, tuning or aborting) need no lock.
    /// </summary>
    public sealed partial class LibvirtHostConnection : IHostConnection
    {
        private const int KeepAliveIntervalSeconds = 5;
        private const uint KeepAliveMissedReplies = 3;
        /// <summary>Below libvirt's per-call limit (REMOTE_DOMAIN_MEMORY_PEEK_BUFFER_MAX: 4 MiB since 0.9, 64 KiB before).</summary>
        internal const int MemoryPeekChunkBytes = 1024 * 1024;
        private static readonly TimeSpan CompletedEventWait = TimeSpan.FromSeconds(2);

        private readonly ConnectionHandle connection;
        private readonly Func<ConnectionHandle> openCallConnection;
        private readonly object subscriptionGate = new object();
        /// <summary>The latest statistics each domain's job reported to a poller: the fallback when no job-completed event arrives.</summary>
        private readonly Dictionary<string, TypedParameterSet> lastPolledByUuid = new Dictionary<string, TypedParameterSet>(StringComparer.OrdinalIgnoreCase);
        private JobCompletedSubscription? jobCompleted;
        private int disposed;

        /// <param name="openCallConnection">opens another connection to the same host, for a call that blocks for long</param>
        internal LibvirtHostConnection(string uri, ConnectionHandle connection, Func<ConnectionHandle> openCallConnection)
        {
            Uri = HostUri.Redact(uri);
            this.connection = connection;
            this.openCallConnection = openCallConnection;
            KeepAlive(connection);
        }

        /// <summary>Detects a dead peer in ~15 s instead of waiting for TCP; drivers without keepalive (local ones) refuse harmlessly.</summary>
        private static void KeepAlive(ConnectionHandle handle)
        {
            if (LibvirtNative.virConnectSetKeepAlive(handle, KeepAliveIntervalSeconds, KeepAliveMissedReplies) < 0)
                LibvirtNative.virResetLastError();
        }

        /// <summary>The host's URI as shown (secrets masked): this connection never needs it as written.</summary>
        public string Uri { get; }

        public bool IsAlive
        {
            get
            {
                if (Volatile.Read(ref disposed) != 0) return false;
                try
                {
                    return LibvirtNative.virConnectIsAlive(connection) == 1;
                }
                catch (ObjectDisposedException)
                {
                    return false; // closed by Dispose on another thread meanwhile
                }
            }
        }

        public HostFacts GetHostFacts()
        {
            ThrowIfDisposed();
            if (LibvirtNative.virNodeGetInfo(connection, out var node) < 0) throw HostFailure("read node information of");
            var hostname = NativeStrings.ReadAndFree(LibvirtNative.virConnectGetHostname(connection)) ?? throw HostFailure("read the hostname of");
            var capabilities = NativeStrings.ReadAndFree(LibvirtNative.virConnectGetCapabilities(connection)) ?? throw HostFailure("read the capabilities of");
            ulong freeBytes = LibvirtNative.virNodeGetFreeMemory(connection);
            if (freeBytes == 0) LibvirtNative.virResetLastError();
            if (LibvirtNative.virConnectGetVersion(connection, out var hypervisorVersion) < 0) throw HostFailure("read the hypervisor version of");
            if (LibvirtNative.virConnectGetLibVersion(connection, out var libraryVersion) < 0) throw HostFailure("read the libvirt version of");
            var type = NativeStrings.Read(LibvirtNative.virConnectGetType(connection)) ?? throw HostFailure("read the hypervisor type of");

            var (hostUuid, cpuModel) = HostCapabilities.Parse(capabilities);
            return new HostFacts
            {
                Hostname = hostname,
                HostUuid = hostUuid,
                CpuCount = (int)node.Cpus,
                MemoryMB = (long)(node.MemoryKiB / 1024),
                FreeMemoryMB = (long)(freeBytes / (1024 * 1024)),
                CpuModel = cpuModel,
                HypervisorType = type,
                HypervisorVersion = LibvirtVersion.Format(hypervisorVersion),
                LibvirtVersion = LibvirtVersion.Format(libraryVersion),
            };
        }

        public IReadOnlyList<GuestInfo> ListGuests()
        {
            ThrowIfDisposed();
            int count = LibvirtNative.virConnectListAllDomains(connection, out var array, 0);
            if (count < 0) throw HostFailure("list the guests of");
            var handles = OwnedArray.Take(array, count, pointer => new DomainHandle(pointer));

            var guests = new List<GuestInfo>(count);
            try
            {
                foreach (var domain in handles)
                {
                    try
                    {
                        guests.Add(Describe(domain, NativeStrings.Read(LibvirtNative.virDomainGetName(domain)) ?? "?"));
                    }
                    catch (MigrationException e) when (e.ErrorId == ErrorIds.VmNotFound)
                    {
                        // Undefined between the listing and the look: it is simply not there any more.
                    }
                }
            }
            finally
            {
                foreach (var domain in handles) domain.Dispose();
            }
            return guests;
        }

        public GuestInfo? FindGuest(string nameOrUuid)
        {
            ThrowIfDisposed();
            if (string.IsNullOrWhiteSpace(nameOrUuid)) return null;
            using var domain = TryLookUp(nameOrUuid);
            return domain == null ? null : Describe(domain, nameOrUuid);
        }

        public GuestInfo DefineAndStartGuest(GuestDefinition definition)
        {
            ThrowIfDisposed();
            var domainXml = LibvirtDomainDefinition.Write(definition);
            var name = definition.Name;
            // Defining over an existing guest would redefine it, and the clean-up after a failed start would then remove
            // a definition that was never ours.
            using (var existing = TryLookUp(name))
            {
                if (existing != null)
                    throw new MigrationException(ErrorIds.VmExistsOnDestination, ErrorKind.ResourceExists,
                        $"A guest named '{name}' already exists on {Uri}; remove it or choose another name.", name);
            }
            using var domain = LibvirtNative.virDomainDefineXML(connection, domainXml);
            if (domain.IsInvalid) throw GuestFailure(LibvirtOperationContext.Guest, "define guest", name);
            if (LibvirtNative.virDomainCreate(domain) < 0)
            {
                var startFailure = GuestFailure(LibvirtOperationContext.Guest, "start guest", name);
                // Leave nothing half-made: a definition that never ran is removed again.
                if (LibvirtNative.virDomainUndefineFlags(domain, UndefineEverything) < 0 && LibvirtNative.virDomainUndefine(domain) < 0)
                    LibvirtNative.virResetLastError();
                throw startFailure;
            }
            return Describe(domain, name);
        }

        public void DestroyGuest(string name)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainDestroy(domain) < 0)
            {
                var error = LibvirtError.CaptureLast();
                if (error.Code == LibvirtConstants.ErrOperationInvalid) return; // already not running
                throw Failure(error, LibvirtOperationContext.Guest, "power off guest", name);
            }
        }

        private const uint UndefineEverything = LibvirtConstants.UndefineNvram | LibvirtConstants.UndefineManagedSave
            | LibvirtConstants.UndefineSnapshotsMetadata | LibvirtConstants.UndefineCheckpointsMetadata;

        public void UndefineGuest(string name)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainUndefineFlags(domain, UndefineEverything) >= 0) return;
            var error = LibvirtError.CaptureLast();
            bool flagsNotUnderstood = error.Code == LibvirtConstants.ErrNoSupport || error.Code == LibvirtConstants.ErrInvalidArg
                || error.Code == LibvirtConstants.ErrArgumentUnsupported || error.Code == LibvirtConstants.ErrOperationUnsupported;
            if (!flagsNotUnderstood) throw Failure(error, LibvirtOperationContext.Guest, "undefine guest", name);
            if (LibvirtNative.virDomainUndefine(domain) < 0) throw GuestFailure(LibvirtOperationContext.Guest, "undefine guest", name);
        }

        public GuestDefinition GetLiveGuestDefinition(string name) => LibvirtDomainDefinition.Read(LiveXml(name));

        private string LiveXml(string name)
        {
            using var domain = LookUp(name);
            return NativeStrings.ReadAndFree(LibvirtNative.virDomainGetXMLDesc(domain, 0))
                ?? throw GuestFailure(LibvirtOperationContext.Guest, "read the XML of guest", name);
        }

        public CpuCompatibility CheckGuestCpu(GuestDefinition liveDefinition)
        {
            var domain = XElement.Parse(LibvirtDomainDefinition.Write(liveDefinition));
            var cpu = domain.Element("cpu");
            var mode = (string?)cpu?.Attribute("mode") ?? "custom";
            if (cpu == null || cpu.Element("model") == null || mode == "host-passthrough" || mode == "maximum")
                return new CpuCompatibility(null, $"the guest's CPU (mode {mode}) names no model to compare; hosts must offer the same CPU");
            var type = domain.Element("os")?.Element("type");
            var result = LibvirtNative.virConnectCompareHypervisorCPU(connection, (string?)domain.Element("devices")?.Element("emulator"),
                (string?)type?.Attribute("arch"), null, (string?)domain.Attribute("type"), cpu.ToString(), 0);
            switch (result)
            {
                case LibvirtConstants.CpuCompareIncompatible:
                    return new CpuCompatibility(false, $"host {Uri} cannot provide CPU model '{(string?)cpu.Element("model")}' with the features the guest uses");
                case LibvirtConstants.CpuCompareIdentical:
                case LibvirtConstants.CpuCompareSuperset:
                    return new CpuCompatibility(true, $"host {Uri} provides CPU model '{(string?)cpu.Element("model")}'");
                default:
                    return new CpuCompatibility(null, $"libvirt could not compare the CPU: {LibvirtError.CaptureLast().Message}");
            }
        }

        public byte[] ReadGuestMemory(string name, ulong physicalAddress, int length)
        {
            if (length < 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"Cannot read a negative length ({length}) of guest memory.", name);
            using var domain = LookUp(name);
            var bytes = new byte[length];
            var pinned = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            try
            {
                var start = pinned.AddrOfPinnedObject();
                for (int offset = 0; offset < length; offset += MemoryPeekChunkBytes)
                {
                    int chunk = Math.Min(MemoryPeekChunkBytes, length - offset);
                    if (LibvirtNative.virDomainMemoryPeek(domain, physicalAddress + (ulong)offset, (UIntPtr)chunk, start + offset, LibvirtConstants.MemoryPhysical) < 0)
                        throw GuestFailure(LibvirtOperationContext.RunningGuest, $"read {chunk} bytes of guest memory at 0x{physicalAddress + (ulong)offset:x} of", name);
                }
            }
            finally
            {
                pinned.Free();
            }
            return bytes;
        }

        public JobProgress MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters)
        {
            if (string.IsNullOrWhiteSpace(destinationUri))
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "A destination URI is required to migrate.", name);
            using var domain = LookUp(name);
            var arguments = MigrationArguments.From(parameters, parameters.DiskPlacements.Count == 0 ? null : RelocatedDefinitions(domain, name, parameters.DiskPlacements));
            var uuid = UuidOf(domain, name);
            ThrowIfJobRunning(domain, name);
            var completedEvents = EnsureJobCompletedSubscription();
            completedEvents.Forget(uuid);
            lock (lastPolledByUuid) lastPolledByUuid.Remove(uuid);

            if (parameters.InitialMaxDowntimeMs > 0 && LibvirtNative.virDomainMigrateSetMaxDowntime(domain, (ulong)parameters.InitialMaxDowntimeMs, 0) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"set the downtime limit to {parameters.InitialMaxDowntimeMs} ms for guest", name);

            var clock = Stopwatch.StartNew();
            // libvirtd runs at most max_client_requests (5 by default) calls of one connection at once, and a migration call
            // holds one for the whole move. Each migration therefore gets a connection of its own: polling, tuning, aborting
            // and the other migrations of a drain never queue behind it.
            using (var callConnection = openCallConnection())
            using (var migrating = LibvirtNative.virDomainLookupByUUIDString(callConnection, uuid))
            using (var typed = NativeTypedParameterList.From(arguments.Parameters))
            {
                KeepAlive(callConnection);
                if (migrating.IsInvalid)
                    throw GuestFailure(LibvirtOperationContext.Guest, "look up (on a connection of its own) guest", name);
                if (LibvirtNative.virDomainMigrateToURI3(migrating, destinationUri, typed.Pointer, (uint)typed.Count, arguments.Flags) < 0)
                {
                    var error = LibvirtError.CaptureLast();
                    throw Failure(error, LibvirtOperationContext.Migration, "live-migrate guest", name,
                        $"from {Uri} to {HostUri.Redact(destinationUri)}");
                }
            }

            var completed = completedEvents.TakeCompleted(uuid, CompletedEventWait);
            if (completed != null) return completed;
            // The source has forgotten the domain (UNDEFINE_SOURCE), so the last poll is the best we still know.
            TypedParameterSet? lastPolled;
            lock (lastPolledByUuid) lastPolledByUuid.TryGetValue(uuid, out lastPolled);
            return lastPolled != null
                ? JobStatsMapping.ToJobProgress(JobKind.Completed, lastPolled)
                : new JobProgress { Kind = JobKind.Completed, ElapsedMs = clock.ElapsedMilliseconds };
        }

        /// <summary>The definitions the destination gets when disks land in new files: the migratable live XML and the persistent one.</summary>
        private (string Live, string Persistent) RelocatedDefinitions(DomainHandle domain, string name, IReadOnlyList<DiskPlacement> placements)
        {
            var live = NativeStrings.ReadAndFree(LibvirtNative.virDomainGetXMLDesc(domain, LibvirtConstants.DomainXmlMigratable))
                ?? throw GuestFailure(LibvirtOperationContext.Guest, "read the migratable definition of guest", name);
            var persistent = NativeStrings.ReadAndFree(LibvirtNative.virDomainGetXMLDesc(domain, LibvirtConstants.DomainXmlInactive))
                ?? throw GuestFailure(LibvirtOperationContext.Guest, "read the definition of guest", name);
            return (Relocated(live), Relocated(persistent));

            string Relocated(string xml) => LibvirtDomainDefinition.Write(LibvirtDomainDefinition.Read(xml).WithDisksPlaced(placements));
        }

        /// <summary>
        /// libvirt would refuse with a bare "operation invalid"; saying MigrationInProgress lets the engine settle the old
        /// job (a peer-to-peer migration outlives the client that started it).
        /// </summary>
        private void ThrowIfJobRunning(DomainHandle domain, string name)
        {
            var running = ReadJobProgress(domain, name);
            if (running == null) return;
            throw new MigrationException(ErrorIds.MigrationInProgress, ErrorKind.ResourceBusy,
                $"Guest '{name}' on {Uri} already has a job running ({running.ElapsedMs / 1000} s so far, iteration {running.MemoryIteration}). " +
                "Wait for it to end or abort it before starting another migration.", name);
        }

        public JobProgress? GetJobProgress(string name)
        {
            using var domain = LookUp(name);
            return ReadJobProgress(domain, name);
        }

        private JobProgress? ReadJobProgress(DomainHandle domain, string name)
        {
            if (LibvirtNative.virDomainGetJobStats(domain, out int type, out var parameters, out int count, 0) < 0)
            {
                var error = LibvirtError.CaptureLast();
                // A destination's incoming migration has a job whose statistics libvirt keeps on the source only ("available
                // only on the source host"): the guest waits there paused, for the migration.
                if (error.Code == LibvirtConstants.ErrOperationUnsupported
                    && LibvirtNative.virDomainGetState(domain, out int state, out int reason, 0) >= 0
                    && state == LibvirtConstants.DomainPaused && reason == LibvirtConstants.DomainPausedMigration)
                {
                    LibvirtNative.virResetLastError();
                    return new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationIn };
                }
                throw Failure(error, LibvirtOperationContext.Guest, "read job statistics of guest", name);
            }
            try
            {
                var kind = DomainStateMapping.ToJobKind(type);
                if (kind == JobKind.None) return null;
                var stats = TypedParameterReader.Read(parameters, count);
                var uuid = UuidOf(domain, name);
                lock (lastPolledByUuid) lastPolledByUuid[uuid] = stats;
                return JobStatsMapping.ToJobProgress(kind, stats);
            }
            finally
            {
                LibvirtNative.virTypedParamsFree(parameters, count);
            }
        }

        public void AbortJob(string name)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainAbortJob(domain) >= 0) return;
            var error = LibvirtError.CaptureLast();
            if (error.Code == LibvirtConstants.ErrOperationInvalid) return; // no job runs: nothing to abort
            throw Failure(error, LibvirtOperationContext.RunningGuest, "abort the job of guest", name);
        }

        public void SetMigrationMaxDowntime(string name, long milliseconds)
        {
            if (milliseconds <= 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"The downtime limit must be positive, not {milliseconds} ms.", name);
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainMigrateSetMaxDowntime(domain, (ulong)milliseconds, 0) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"set the downtime limit to {milliseconds} ms for guest", name);
        }

        public void SetMigrationBandwidth(string name, long mebibytesPerSecond)
        {
            if (mebibytesPerSecond < 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"The bandwidth must be 0 (unlimited) or more, not {mebibytesPerSecond} MiB/s.", name);
            using var domain = LookUp(name);
            // libvirt's "unlimited" is the largest value it accepts, not 0 (0 would stall the stream on some versions).
            ulong bandwidth = mebibytesPerSecond == 0 ? UnlimitedBandwidthMiBps : (ulong)mebibytesPerSecond;
            if (LibvirtNative.virDomainMigrateSetMaxSpeed(domain, bandwidth, 0) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"set the migration bandwidth to {mebibytesPerSecond} MiB/s for guest", name);
        }

        /// <summary>QEMU takes bytes/s in a signed 64-bit value, so libvirt caps MiB/s at INT64_MAX / 1 MiB.</summary>
        internal const ulong UnlimitedBandwidthMiBps = (ulong)long.MaxValue / (1024 * 1024);

        public void StartPostCopy(string name)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainMigrateStartPostCopy(domain, 0) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, "switch to post-copy the migration of guest", name);
        }

        public double? MeasureDirtyRateMBps(string name, TimeSpan period)
        {
            using var domain = LookUp(name);
            int seconds = Math.Max(1, (int)Math.Ceiling(period.TotalSeconds));
            try
            {
                if (LibvirtNative.virDomainStartDirtyRateCalc(domain, seconds, LibvirtConstants.DirtyRateModePageSampling) < 0)
                {
                    var error = LibvirtError.CaptureLast();
                    if (IsUnsupported(error.Code)) return null;
                    throw Failure(error, LibvirtOperationContext.RunningGuest, "start measuring the dirty rate of guest", name);
                }
            }
            catch (EntryPointNotFoundException)
            {
                return null; // libvirt older than 7.2
            }

            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            var giveUpAt = DateTime.UtcNow + TimeSpan.FromSeconds(seconds + 5);
            while (true)
            {
                var stats = ReadDirtyRateStats(domain, name);
                if (stats == null) return null;
                if (stats.GetInt64OrDefault("dirtyrate.calc_status", -1) == LibvirtConstants.DirtyRateMeasured)
                    return stats.GetDouble("dirtyrate.megabytes_per_second");
                if (DateTime.UtcNow > giveUpAt) return null;
                Thread.Sleep(200);
            }
        }

        private TypedParameterSet? ReadDirtyRateStats(DomainHandle domain, string name)
        {
            bool added = false;
            try
            {
                domain.DangerousAddRef(ref added);
                var domains = new[] { domain.DangerousGetHandle(), IntPtr.Zero };
                if (LibvirtNative.virDomainListGetStats(domains, LibvirtConstants.DomainStatsDirtyRate, out var records, 0) < 0)
                {
                    var error = LibvirtError.CaptureLast();
                    if (IsUnsupported(error.Code)) return null;
                    throw Failure(error, LibvirtOperationContext.Guest, "read the dirty rate of guest", name);
                }
                try
                {
                    var first = Marshal.ReadIntPtr(records);
                    if (first == IntPtr.Zero) return null;
                    // virDomainStatsRecord: virDomainPtr dom; virTypedParameterPtr params; int nparams;
                    return TypedParameterReader.Read(Marshal.ReadIntPtr(first, IntPtr.Size), Marshal.ReadInt32(first, 2 * IntPtr.Size));
                }
                finally
                {
                    LibvirtNative.virDomainStatsRecordListFree(records);
                }
            }
            finally
            {
                if (added) domain.DangerousRelease();
            }
        }

        private static bool IsUnsupported(int code) => code == LibvirtConstants.ErrNoSupport || code == LibvirtConstants.ErrOperationUnsupported
            || code == LibvirtConstants.ErrArgumentUnsupported || code == LibvirtConstants.ErrInvalidArg;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) != 0) return;
            lock (subscriptionGate)
            {
                // Callbacks go before the connection, or libvirt could call into a delegate we no longer keep.
                jobCompleted?.Dispose();
                jobCompleted = null;
            }
            connection.Dispose();
        }

        private JobCompletedSubscription EnsureJobCompletedSubscription()
        {
            lock (subscriptionGate)
            {
                ThrowIfDisposed();
                return jobCompleted ??= JobCompletedSubscription.Register(connection, Uri);
            }
        }

        private DomainHandle LookUp(string nameOrUuid)
        {
            ThrowIfDisposed();
            return TryLookUp(nameOrUuid) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                $"No guest named or with UUID '{nameOrUuid}' exists on {Uri}. Check the name with Get-MigrationVM.", nameOrUuid);
        }

        /// <summary>By name first, then by UUID; null only when libvirt says there is no such domain.</summary>
        private DomainHandle? TryLookUp(string nameOrUuid)
        {
            var byName = LibvirtNative.virDomainLookupByName(connection, nameOrUuid);
            if (!byName.IsInvalid) return byName;
            byName.Dispose();
            var error = LibvirtError.CaptureLast();
            if (error.Code != LibvirtConstants.ErrNoDomain) throw Failure(error, LibvirtOperationContext.Guest, "look up guest", nameOrUuid);
            if (!Guid.TryParse(nameOrUuid, out _)) return null;

            var byUuid = LibvirtNative.virDomainLookupByUUIDString(connection, nameOrUuid);
            if (!byUuid.IsInvalid) return byUuid;
            byUuid.Dispose();
            error = LibvirtError.CaptureLast();
            if (error.Code != LibvirtConstants.ErrNoDomain) throw Failure(error, LibvirtOperationContext.Guest, "look up guest", nameOrUuid);
            return null;
        }

        private GuestInfo Describe(DomainHandle domain, string name)
        {
            var actualName = NativeStrings.Read(LibvirtNative.virDomainGetName(domain)) ?? name;
            if (LibvirtNative.virDomainGetState(domain, out int state, out _, 0) < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read the state of guest", actualName);
            if (LibvirtNative.virDomainGetInfo(domain, out var info) < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read the size of guest", actualName);
            int persistent = LibvirtNative.virDomainIsPersistent(domain);
            if (persistent < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read whether guest is persistent:", actualName);
            var lineage = CloneLineageXml.Parse(ReadLineageMetadata(domain, actualName));
            return new GuestInfo
            {
                Name = actualName,
                Uuid = UuidOf(domain, actualName),
                State = DomainStateMapping.ToVmState(state),
                MemoryMB = (long)(info.MaxMemoryKiB / 1024),
                VCpuCount = info.VirtualCpuCount,
                Persistent = persistent == 1,
                ParentName = lineage.ParentName,
                ParentUuid = lineage.ParentUuid,
                CpuTimeNs = (long)info.CpuTimeNs,
            };
        }

        private string UuidOf(DomainHandle domain, string name)
        {
            var buffer = new byte[LibvirtConstants.UuidStringBufferLength];
            if (LibvirtNative.virDomainGetUUIDString(domain, buffer) < 0) throw GuestFailure(LibvirtOperationContext.Guest, "read the UUID of guest", name);
            return NativeStrings.FromUuidBuffer(buffer);
        }

        private LibvirtException HostFailure(string action)
            => Failure(LibvirtError.CaptureLast(), LibvirtOperationContext.Host, action, Uri, where: "");

        private LibvirtException GuestFailure(LibvirtOperationContext context, string action, string name)
            => Failure(LibvirtError.CaptureLast(), context, action, name);

        /// <summary>
        /// Maps a captured error, asking the connection whether it still lives: a dead transport surfaces as many different
        /// codes ("client socket is closed" is an internal error), and the user needs to hear "unreachable" for all of them.
        /// </summary>
        private LibvirtException Failure(LibvirtError error, LibvirtOperationContext context, string action, string target, string? where = null)
        {
            bool connectionLost = LibvirtNative.virConnectIsAlive(connection) == 0;
            LibvirtNative.virResetLastError();
            return LibvirtErrorMapper.Map(error, context, action, target, Uri, where, connectionLost);
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref disposed) != 0) throw new ObjectDisposedException(nameof(LibvirtHostConnection), $"The connection to {Uri} was closed.");
        }
    }
}
