using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Tests.Fakes
{
    /// <summary>
    /// In-memory hosts for engine and cmdlet tests: a migration follows a scripted sequence of job samples and outcome.
    /// Its hosts have URIs of the scheme <see cref="Scheme"/> (fake://a), reached once the cluster is registered for it.
    /// </summary>
    public sealed class FakeCluster : IHypervisorProvider
    {
        public const string Scheme = "fake";
        private readonly ConcurrentDictionary<string, FakeHost> hosts = new ConcurrentDictionary<string, FakeHost>();

        public string Name => "Fake";

        /// <summary>
        /// The time guests' CPU time follows; null leaves CPU time as the tests put it. With a clock, a guest uses CPU at
        /// its <see cref="SetCpuUsage"/> percentage (of its vCPUs) whatever host it runs on, as it moves.
        /// </summary>
        public Func<DateTime>? Clock { get; set; }

        private readonly ConcurrentDictionary<string, (DateTime At, double CpuNs, double Percent)> cpu = new ConcurrentDictionary<string, (DateTime, double, double)>();

        /// <summary>From now on (by <see cref="Clock"/>) the guest of that name uses this share of its vCPUs.</summary>
        public void SetCpuUsage(string vmName, double percent, int vcpus = 1)
        {
            var used = CpuTimeNs(vmName, vcpus);
            cpu[vmName] = (Clock!(), used, percent);
        }

        /// <summary>The CPU time the guest of that name has used by now (the clock's now).</summary>
        internal long CpuTimeNs(string vmName, int vcpus)
        {
            var now = Clock!();
            var known = cpu.TryGetValue(vmName, out var c) ? c : (now, 0.0, 0.0);
            var used = known.Item2 + (now - known.Item1).TotalMilliseconds * 1e6 * vcpus * known.Item3 / 100;
            cpu[vmName] = (now, used, known.Item3);
            return (long)used;
        }

        /// <summary>Makes this cluster the provider of fake:// URIs in <paramref name="providers"/> (replacing another cluster).</summary>
        public HypervisorProviders RegisterIn(HypervisorProviders providers) => providers.Register(Scheme, "in-memory test hosts", () => this);

        public FakeHost AddHost(string uri, string hostname, long freeMemoryMB = 8192)
        {
            var host = new FakeHost(this, uri, hostname, freeMemoryMB);
            hosts[uri] = host;
            return host;
        }

        public FakeHost this[string uri] => hosts[uri];

        /// <summary>The host a connected host's URI names, password and all.</summary>
        public FakeHost this[HostUri uri] => hosts[uri.ForConnecting];

        /// <summary>The credential of the latest connect, as the provider received it.</summary>
        public HostCredential? LastCredential { get; private set; }

        /// <summary>Runs at each connect with the URI and credential as given (e.g. to fail the way a provider would).</summary>
        public Action<string, HostCredential?>? OnConnect { get; set; }

        public IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            LastCredential = credential;
            OnConnect?.Invoke(uri, credential);
            if (!hosts.TryGetValue(uri, out var host))
            {
                throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, $"Cannot reach '{uri}'.", uri);
            }
            if (host.ConnectDelay > timeout)
            {
                throw new MigrationException(ErrorIds.HostConnectTimeout, ErrorKind.OperationTimeout, $"'{uri}' did not answer.", uri);
            }
            if (host.IsDown)
            {
                throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, $"Cannot reach '{uri}': Connection refused.", uri);
            }
            host.Connected(credential);
            return host;
        }
    }

    /// <summary>How a scripted migration ends.</summary>
    public enum FakeOutcome
    {
        Succeed,
        /// <summary>The destination dies mid-transfer: the call fails and a paused incoming copy is left on the destination.</summary>
        DestinationDies,
        /// <summary>The migration completes (the VM runs on the destination), then the destination's daemon dies before anyone asks it.</summary>
        DestinationDiesAfterSwitch,
        /// <summary>Transfer stops advancing until someone aborts the job.</summary>
        Stall,
        /// <summary>Keeps iterating (samples repeat the last one) until aborted or switched to post-copy.</summary>
        NeverConverge,
    }

    public sealed partial class FakeHost : IHostConnection
    {
        private readonly FakeCluster cluster;
        private readonly ConcurrentDictionary<string, GuestInfo> guests = new ConcurrentDictionary<string, GuestInfo>();
        private volatile JobProgress? currentJob;
        private volatile bool abortRequested;
        private volatile bool jobActive;
        private volatile bool postCopyRequested;

        public FakeHost(FakeCluster cluster, string uri, string hostname, long freeMemoryMB)
        {
            this.cluster = cluster;
            Uri = uri;
            Hostname = hostname;
            FreeMemoryMB = freeMemoryMB;
        }

        public string Uri { get; }
        public string Hostname { get; }
        public string HostUuid { get; set; } = Guid.NewGuid().ToString();
        public long FreeMemoryMB { get; set; }
        public TimeSpan ConnectDelay { get; set; }
        public bool IsAlive => !connectionClosed;
        public int CpuCount { get; set; } = 4;
        public long MemoryMB { get; set; } = 16384;
        public string HypervisorVersion { get; set; } = "8.2.0";

        private volatile bool down;
        private volatile bool connectionClosed;

        /// <summary>Down (see <see cref="GoDown"/>): every call fails and a new connection is refused.</summary>
        public bool IsDown => down;

        /// <summary>
        /// What a reboot does to the host: every guest still running dies (a persistent one stays defined, shut off; a
        /// transient one is gone), its daemon stops (every call fails, a new connection is refused) and the connections
        /// opened before are closed for good, even once it is back.
        /// </summary>
        public void GoDown()
        {
            down = true;
            connectionClosed = true;
            foreach (var guest in guests.Values.Where(g => g.Active).ToList())
            {
                if (guest.Persistent)
                {
                    guest.State = VMState.ShutOff;
                }
                else
                {
                    guests.TryRemove(guest.Name, out _);
                }
            }
        }

        /// <summary>Its daemon answers again: a new connection works; one opened before it went down stays closed.</summary>
        public void ComeBack() => down = false;

        /// <summary>A reboot: down now, back after <paramref name="downFor"/>.</summary>
        public void Reboot(TimeSpan downFor)
        {
            GoDown();
            System.Threading.Tasks.Task.Delay(downFor).ContinueWith(_ => ComeBack(), System.Threading.Tasks.TaskScheduler.Default);
        }

        /// <summary>A connection was opened (by <see cref="FakeCluster.Connect"/>): it works until the next reboot.</summary>
        internal void Connected(HostCredential? credential)
        {
            Connections++;
            LastCredential = credential;
            connectionClosed = false;
        }

        /// <summary>The credential the last connection was opened with.</summary>
        public HostCredential? LastCredential { get; private set; }

        /// <summary>How many times a connection to this host was opened.</summary>
        public int Connections { get; private set; }

        /// <summary>The open connection dies (as when libvirt's keepalive closes it): calls fail until a connection is opened again.</summary>
        public void DropConnection() => connectionClosed = true;

        // Script for the next migration started from this host.
        public List<JobProgress> Samples { get; } = new List<JobProgress>();
        public FakeOutcome Outcome { get; set; } = FakeOutcome.Succeed;
        /// <summary>What the migration call throws when the destination dies; a connection reset, as libvirt says it, when null.</summary>
        public MigrationException? DestinationDeathError { get; set; }
        public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMilliseconds(5);
        public LiveMigrationParameters? LastParameters { get; private set; }

        /// <summary>With <see cref="FakeOutcome.DestinationDies"/>: the destination's daemon dies too, taking its connection with it.</summary>
        public bool DestinationDaemonDies { get; set; }
        public List<string> Calls { get; } = new List<string>();
        /// <summary>Each migration call from this host, whether it asked for TLS.</summary>
        public List<bool> EncryptedAttempts { get; } = new List<bool>();
        /// <summary>False: the host has no migration certificates, and a TLS migration to or from it fails as libvirt's does.</summary>
        public bool HasMigrationCertificates { get; set; } = true;
        /// <summary>True: the hypervisor has no encrypted migration at all, and refuses one before anything moves, as the Hyper-V provider does.</summary>
        public bool CannotEncrypt { get; set; }
        public double? DirtyRate { get; set; }

        public GuestInfo AddGuest(string name, VMState state = VMState.Running, long memoryMB = 256)
        {
            var guest = new GuestInfo { Name = name, Uuid = Guid.NewGuid().ToString(), State = state, MemoryMB = memoryMB, VCpuCount = 1, Persistent = true };
            guests[name] = guest;
            return guest;
        }

        public void Put(GuestInfo guest) => guests[guest.Name] = guest;

        /// <summary>Every guest defined on the host, as a test's witness sees them: whether or not the host answers.</summary>
        public IReadOnlyList<GuestInfo> AllGuests => guests.Values.OrderBy(g => g.Name).ToList();

        public string LibvirtVersion { get; set; } = "10.0.0";

        private readonly ManualResetEventSlim thawed = new ManualResetEventSlim(true);

        /// <summary>From now on every call to this host (including one under way in a scripted step) blocks until <see cref="Thaw"/>, as a SIGSTOPped libvirtd.</summary>
        public void Freeze() => thawed.Reset();

        public void Thaw() => thawed.Set();

        /// <summary>Freezes the host when the scripted step <paramref name="call"/> (e.g. "Define", "Write", "Copy") is reached: that call blocks too, and lands when thawed.</summary>
        public void FreezeAt(string call) => FrozenAt = call;

        private string? FrozenAt { get; set; }

        /// <summary>A host answers only while it is not frozen, and only on a connection opened since it last came up.</summary>
        private void Answer()
        {
            thawed.Wait();
            if (down || connectionClosed)
            {
                throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                    down ? $"Cannot reach '{Uri}': the host is down." : $"The connection to '{Uri}' is closed: its daemon restarted.", Uri);
            }
        }

        public HostFacts GetHostFacts() => Answered(() => new HostFacts
        {
            Hostname = Hostname, HostUuid = HostUuid, CpuCount = CpuCount, MemoryMB = MemoryMB, FreeMemoryMB = FreeMemoryMB,
            LibvirtVersion = LibvirtVersion, HypervisorVersion = HypervisorVersion,
        });

        private T Answered<T>(Func<T> call)
        {
            Answer();
            return call();
        }

        public IReadOnlyList<GuestInfo> ListGuests() => Answered(() =>
        {
            if (cluster.Clock != null)
            {
                foreach (var guest in guests.Values.Where(g => g.Active)) guest.CpuTimeNs = cluster.CpuTimeNs(guest.Name, guest.VCpuCount);
            }
            return guests.Values.OrderBy(g => g.Name).ToList();
        });

        /// <summary>Balance records by guest name, as libvirt keeps them in each domain's metadata; a migration takes its guest's along.</summary>
        public ConcurrentDictionary<string, BalanceRecord> BalanceRecords { get; } = new ConcurrentDictionary<string, BalanceRecord>();

        public BalanceRecord? GetBalanceRecord(string name)
        {
            Answer();
            if (!guests.ContainsKey(name)) throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", name);
            return BalanceRecords.TryGetValue(name, out var record) ? record : null;
        }

        public void SetBalanceRecord(string name, BalanceRecord record)
        {
            Step("SetBalanceRecord", name);
            if (!guests.ContainsKey(name)) throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", name);
            BalanceRecords[name] = record;
        }

        /// <summary>The host's leases by name, as libvirt keeps them (one per name; taking is atomic under the lock).</summary>
        public ConcurrentDictionary<string, HostLease> Leases { get; } = new ConcurrentDictionary<string, HostLease>();

        public IReadOnlyList<HostLease> ListLeases()
        {
            Answer();
            return Leases.Values.Select(Copy).OrderBy(l => l.Name).ToList();
        }

        public HostLease? TryTakeLease(HostLease lease)
        {
            Step("TryTakeLease", lease.Name);
            var holder = Leases.GetOrAdd(lease.Name, _ => Copy(lease));
            return holder.Id == lease.Id ? null : Copy(holder);
        }

        public bool RenewLease(HostLease lease)
        {
            Step("RenewLease", lease.Name);
            lock (Leases)
            {
                if (!Leases.TryGetValue(lease.Name, out var current) || current.Id != lease.Id) return false;
                Leases[lease.Name] = Copy(lease);
                return true;
            }
        }

        public void ReleaseLease(string name, string id)
        {
            Step("ReleaseLease", name);
            lock (Leases)
            {
                if (Leases.TryGetValue(name, out var current) && current.Id == id) Leases.TryRemove(name, out _);
            }
        }

        private static HostLease Copy(HostLease lease) => new HostLease
        {
            Name = lease.Name, Id = lease.Id, Holder = lease.Holder, Machine = lease.Machine, ProcessId = lease.ProcessId, Purpose = lease.Purpose, Since = lease.Since, ExpiresAt = lease.ExpiresAt,
        };

        /// <summary>What the host holds, seen from the test (no call: answers even while frozen or disconnected).</summary>
        public GuestInfo? Guest(string name) => guests.TryGetValue(name, out var guest) ? guest : null;

        public GuestInfo? FindGuest(string nameOrUuid)
        {
            Answer();
            var guest = guests.TryGetValue(nameOrUuid, out var byName) ? byName : guests.Values.FirstOrDefault(g => g.Uuid == nameOrUuid);
            if (guest != null && guest.Active && cluster.Clock != null) guest.CpuTimeNs = cluster.CpuTimeNs(guest.Name, guest.VCpuCount);
            return guest;
        }

        public GuestInfo DefineAndStartGuest(GuestDefinition definition) => throw new NotSupportedException();

        public void DestroyGuest(string name)
        {
            Answer();
            Calls.Add("Destroy " + name);
            Reached("Destroy", name);
            if (guests.TryGetValue(name, out var g))
            {
                g.State = VMState.ShutOff;
            }
            if (Jobs.TryGetValue(name, out var job) && job.Operation == JobOperation.MigrationIn) Jobs.TryRemove(name, out _);
        }

        public void UndefineGuest(string name)
        {
            Step("Undefine", name);
            guests.TryRemove(name, out _);
        }

        /// <summary>The live definitions of running guests that need one; otherwise their definition, or one without devices.</summary>
        public ConcurrentDictionary<string, GuestDefinition> LiveDefinitions { get; } = new ConcurrentDictionary<string, GuestDefinition>();

        public GuestDefinition GetLiveGuestDefinition(string name) => Answered(() =>
            LiveDefinitions.TryGetValue(name, out var live) ? live
            : Definitions.TryGetValue(name, out var defined) ? defined
            : new GuestDefinition(name, Guest(name)?.Uuid ?? ""));

        public byte[] ReadGuestMemory(string name, ulong physicalAddress, int length) => new byte[length];

        public JobProgress MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters)
        {
            Answer();
            LastParameters = parameters;
            EncryptedAttempts.Add(parameters.Encrypted);
            OnStep?.Invoke("Migrate");
            var receiver = cluster[destinationUri];
            if (parameters.Encrypted && CannotEncrypt)
            {
                throw new MigrationException(ErrorIds.EncryptionUnavailable, ErrorKind.ResourceUnavailable,
                    $"this hypervisor's live migration has no encryption of its own; '{name}' was not moved", name);
            }
            if (parameters.Encrypted && !(HasMigrationCertificates && receiver.HasMigrationCertificates))
            {
                // As libvirt says it when the destination's QEMU cannot load its TLS credentials while preparing.
                var lacking = receiver.HasMigrationCertificates ? Hostname : receiver.Hostname;
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.InvalidOperation,
                    $"internal error: unable to execute QEMU command 'object-add': Unable to access credentials /etc/pki/{lacking}/ca-cert.pem: No such file or directory", name);
            }
            // Opening the migration's own connection: no job exists yet, and an abort finds none.
            Thread.Sleep(JobStartDelay);
            abortRequested = false;
            jobActive = true;
            postCopyRequested = false;
            var destination = cluster[destinationUri];
            var guest = FindGuest(name) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", name);
            migrating[guest.Name] = 0;
            if (ShowsIncomingCopy)
            {
                destination.Put(new GuestInfo { Name = guest.Name, Uuid = guest.Uuid, State = VMState.Paused, MemoryMB = guest.MemoryMB, VCpuCount = guest.VCpuCount, Persistent = false });
                destination.Jobs[guest.Name] = new JobProgress { Kind = JobKind.Unbounded, Operation = JobOperation.MigrationIn };
            }
            var switched = false;
            try
            {
                var index = 0;
                while (true)
                {
                    if (abortRequested)
                    {
                        throw new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped, "operation aborted: migration job: canceled by client", name);
                    }
                    var last = Samples.Count == 0 ? new JobProgress { Kind = JobKind.Unbounded } : Samples[Math.Min(index, Samples.Count - 1)];
                    currentJob = last;
                    if (index >= Samples.Count)
                    {
                        if (Outcome == FakeOutcome.DestinationDies)
                        {
                            destination.Put(new GuestInfo { Name = guest.Name, Uuid = guest.Uuid, State = VMState.Paused, MemoryMB = guest.MemoryMB, Persistent = false });
                            if (DestinationDaemonDies) destination.DropConnection();
                            throw DestinationDeathError ?? new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation, "operation failed: job 'migration out' failed: Unable to write to socket: Connection reset by peer", name);
                        }
                        if (Outcome == FakeOutcome.Succeed || Outcome == FakeOutcome.DestinationDiesAfterSwitch || postCopyRequested)
                        {
                            break;
                        }
                    }
                    index++;
                    Thread.Sleep(SampleInterval);
                    // The migration is driven by the source's daemon: while it is frozen, the job does not advance.
                    Answer();
                }

                guests.TryRemove(guest.Name, out _);
                switched = true;
                destination.Put(new GuestInfo { Name = guest.Name, Uuid = guest.Uuid, State = VMState.Running, MemoryMB = guest.MemoryMB, VCpuCount = guest.VCpuCount, Persistent = true });
                // The metadata is part of the live definition the migration carries.
                if (BalanceRecords.TryRemove(guest.Name, out var record)) destination.BalanceRecords[guest.Name] = record;
                if (Outcome == FakeOutcome.DestinationDiesAfterSwitch) destination.DropConnection();
                var final = currentJob ?? new JobProgress();
                return new JobProgress { Kind = JobKind.Completed, DowntimeMs = 12, DataProcessed = final.DataProcessed + 1000, MemoryIteration = final.MemoryIteration, AutoConvergeThrottlePercent = final.AutoConvergeThrottlePercent };
            }
            finally
            {
                if (ShowsIncomingCopy && destination.Jobs.TryRemove(guest.Name, out _) && !switched && !AbortLeavesIncomingCopy
                    && destination.Guest(guest.Name) is GuestInfo copy && copy.State == VMState.Paused)
                {
                    destination.guests.TryRemove(guest.Name, out _); // as libvirt's Finish phase kills the incoming QEMU of a failed move
                }
                migrating.TryRemove(guest.Name, out _);
                jobActive = false;
                currentJob = null;
            }
        }

        /// <summary>Guests a migration of this host is moving now: the scripted job is theirs (all of them, when several run at once).</summary>
        private readonly ConcurrentDictionary<string, byte> migrating = new ConcurrentDictionary<string, byte>();

        /// <summary>
        /// Jobs on guests that no scripted migration of this host runs (another runner's, a save, a backup, a destination's
        /// incoming side), by guest name: each lasts until aborted (an incoming one refuses, as libvirt does).
        /// </summary>
        public ConcurrentDictionary<string, JobProgress> Jobs { get; } = new ConcurrentDictionary<string, JobProgress>();

        /// <summary>On a source: while a migration runs, its destination holds a paused copy with an incoming job, as libvirt's does.</summary>
        public bool ShowsIncomingCopy { get; set; }

        /// <summary>With <see cref="ShowsIncomingCopy"/>: a migration that fails or is aborted leaves the paused copy (a destination that did not clean up).</summary>
        public bool AbortLeavesIncomingCopy { get; set; }

        /// <summary>Guests whose job statistics the host refuses to give, with what it says.</summary>
        public ConcurrentDictionary<string, MigrationException> JobReadErrors { get; } = new ConcurrentDictionary<string, MigrationException>();

        public JobProgress? GetJobProgress(string name) => Answered(() =>
            JobReadErrors.TryGetValue(name, out var refused) ? throw refused
            : Jobs.TryGetValue(name, out var job) ? job : migrating.IsEmpty || migrating.ContainsKey(name) ? currentJob : null);

        /// <summary>An abort is taken and does nothing (a job stuck in the hypervisor).</summary>
        public bool AbortIgnored { get; set; }

        public void AbortJob(string name)
        {
            Answer();
            Calls.Add("Abort " + name);
            if (AbortIgnored) return;
            if (Jobs.TryGetValue(name, out var other))
            {
                if (other.Operation == JobOperation.MigrationIn)
                {
                    throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.InvalidOperation, "Requested operation is not valid: cannot abort incoming migration; use virDomainDestroy instead", name);
                }
                Jobs.TryRemove(name, out _);
                return;
            }
            if (!jobActive)
            {
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.InvalidOperation, "Requested operation is not valid: no job is active on the domain", name);
            }
            abortRequested = true;
        }

        public void SetMigrationMaxDowntime(string name, long milliseconds)
        {
            Answer();
            Calls.Add($"MaxDowntime {milliseconds}");
        }

        public void SetMigrationBandwidth(string name, long mebibytesPerSecond)
        {
            Answer();
            Calls.Add($"Bandwidth {mebibytesPerSecond}");
        }

        public void StartPostCopy(string name)
        {
            Answer();
            Calls.Add("PostCopy");
            postCopyRequested = true;
        }

        public double? MeasureDirtyRateMBps(string name, TimeSpan period) => Answered(() => DirtyRate);

        // Storage and definitions, enough for clone tests: volumes are records, pools track free space.
        public ConcurrentDictionary<string, GuestDefinition> Definitions { get; } = new ConcurrentDictionary<string, GuestDefinition>();
        public ConcurrentDictionary<string, StoragePoolInfo> Pools { get; } = new ConcurrentDictionary<string, StoragePoolInfo>();
        public ConcurrentDictionary<string, StorageVolumeInfo> Volumes { get; } = new ConcurrentDictionary<string, StorageVolumeInfo>();

        /// <summary>The call (e.g. "CloneVolume", "Define", "Start", "Write") that fails with LibvirtError from now on.</summary>
        public string? FailOn { get; set; }

        public StoragePoolInfo AddPool(string name, long availableBytes)
        {
            var pool = new StoragePoolInfo { Name = name, Active = true, TargetPath = "/pools/" + name, CapacityBytes = availableBytes, AvailableBytes = availableBytes };
            Pools[name] = pool;
            return pool;
        }

        public StorageVolumeInfo AddVolume(string pool, string name, long capacityBytes, long allocationBytes, string format = "qcow2", string? backingPath = null)
        {
            var volume = new StorageVolumeInfo { Name = name, Path = Pools[pool].TargetPath + "/" + name, PoolName = pool, Format = format, CapacityBytes = capacityBytes, AllocationBytes = allocationBytes, PhysicalBytes = allocationBytes, BackingPath = backingPath };
            Volumes[volume.Path] = volume;
            return volume;
        }

        /// <summary>Runs after each scripted step is recorded (e.g. to change the world in the middle of a job).</summary>
        public Action<string>? OnStep { get; set; }

        /// <summary>How long MigrateLive spends before its job exists (opening its connection to the destination).</summary>
        public TimeSpan JobStartDelay { get; set; }

        private void Step(string call, string target)
        {
            Answer();
            Calls.Add(call + " " + target);
            Reached(call, target);
        }

        /// <summary>A scripted point inside a call: runs the test's hook, freezes there when asked, and fails when asked.</summary>
        private void Reached(string call, string target)
        {
            OnStep?.Invoke(call);
            if (call == FrozenAt)
            {
                FrozenAt = null;
                Freeze();
            }
            Answer();
            if (FailOn == call)
            {
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.NotSpecified, $"injected failure in {call}", target);
            }
        }

        public GuestDefinition GetGuestDefinition(string name) => Answered(() =>
            Definitions.TryGetValue(name, out var definition) ? definition : throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", name));

        public GuestInfo DefineGuest(GuestDefinition definition)
        {
            Step("Define", definition.Name);
            var guest = new GuestInfo
            {
                Name = definition.Name, Uuid = definition.Uuid, State = VMState.ShutOff, MemoryMB = 64, VCpuCount = 1, Persistent = true,
                ParentName = definition.Lineage.ParentName, ParentUuid = definition.Lineage.ParentUuid,
            };
            guests[definition.Name] = guest;
            Definitions[definition.Name] = definition;
            return guest;
        }

        public void UpdateGuestDefinition(GuestDefinition definition)
        {
            Step("Redefine", definition.Name);
            Definitions[definition.Name] = definition;
        }

        public void StartGuest(string name)
        {
            Step("Start", name);
            guests[name].State = VMState.Running;
        }

        /// <summary>As libvirt's external disk-only snapshot does: each disk's definition (live and persistent) names its new overlay, a volume backed by the old file.</summary>
        public void CreateDiskOverlays(string name, IReadOnlyDictionary<string, string> overlayFileByDiskTarget)
        {
            Step("Freeze", name + " " + string.Join(",", overlayFileByDiskTarget.Keys));
            foreach (var pair in overlayFileByDiskTarget)
            {
                var below = RepointDisk(name, pair.Key, pair.Value);
                var pool = Pools.Values.FirstOrDefault(p => pair.Value.StartsWith(p.TargetPath + "/", StringComparison.Ordinal));
                if (below != null && pool != null)
                    AddVolume(pool.Name, pair.Value.Substring(pool.TargetPath.Length + 1), Volumes.TryGetValue(below, out var b) ? b.CapacityBytes : 0, 0, "qcow2", below);
            }
        }

        /// <summary>Each disk's overlay committed into the file below it, the disk pointed back at that file and the overlay deleted.</summary>
        public void MergeDiskOverlays(string name, IEnumerable<string> diskTargets, TimeSpan timeout)
        {
            Step("Merge", name + " " + string.Join(",", diskTargets));
            foreach (var target in diskTargets)
            {
                var top = GetLiveGuestDefinition(name).Disks.FirstOrDefault(d => d.Target == target)?.Path;
                if (top == null || !Volumes.TryGetValue(top, out var overlay) || overlay.BackingPath == null) continue;
                RepointDisk(name, target, overlay.BackingPath);
                Volumes.TryRemove(top, out _);
            }
        }

        /// <summary>Points disk <paramref name="target"/> of the guest's live and persistent definitions at <paramref name="file"/>; the file it named before.</summary>
        private string? RepointDisk(string name, string target, string file)
        {
            string? before = null;
            foreach (var definitions in new[] { Definitions, LiveDefinitions })
            {
                if (!definitions.TryGetValue(name, out var definition)) continue;
                var disk = definition.Disks.FirstOrDefault(d => d.Target == target);
                if (disk == null) continue;
                before ??= disk.Path;
                definitions[name] = definition.WithDisks(d => d == disk ? d.WithFile(file, d.Format) : d);
            }
            return before;
        }

        public StoragePoolInfo? FindStoragePool(string name) => Answered(() => Pools.TryGetValue(name, out var pool) ? pool : null);

        public IReadOnlyList<string> ListStoragePoolNames() => Answered(() => Pools.Keys.ToList());

        public StoragePoolInfo EnsureStoragePool(StoragePoolSpec pool) => throw new NotSupportedException();

        public StorageVolumeInfo? FindStorageVolume(string path) => Answered(() => Volumes.TryGetValue(path, out var volume) ? volume : null);

        public StorageVolumeInfo CreateStorageVolume(string poolName, StorageVolumeSpec volume) => AddFromSpec(poolName, volume, "CreateVolume", 0);

        public StorageVolumeInfo CloneStorageVolume(string poolName, StorageVolumeSpec volume, string sourceVolumePath) =>
            AddFromSpec(poolName, volume, "CloneVolume", Volumes[sourceVolumePath].AllocationBytes);

        private StorageVolumeInfo AddFromSpec(string poolName, StorageVolumeSpec spec, string call, long allocationBytes)
        {
            Step(call, spec.Name);
            var pool = Pools[poolName];
            var volume = AddVolume(poolName, spec.Name, spec.CapacityBytes, allocationBytes, spec.Format, spec.BackingPath);
            pool.AvailableBytes -= allocationBytes;
            return volume;
        }

        /// <summary>How long each chunk written into a volume stream takes (a slow link or disk).</summary>
        public TimeSpan WriteDelay { get; set; }

        /// <summary>A volume whose deletion fails (as when libvirt cannot unlink its file).</summary>
        public string? UndeletableVolume { get; set; }

        public void DeleteStorageVolume(string path)
        {
            Answer();
            Calls.Add("DeleteVolume " + path);
            if (path == UndeletableVolume)
            {
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.NotSpecified, $"cannot unlink file '{path}': Permission denied", path);
            }
            Volumes.TryRemove(path, out _);
        }

        public IVolumeReader OpenVolumeReader(string path) => Answered(() => new FakeVolumeReader(this, Volumes[path].AllocationBytes));

        public IVolumeWriter OpenVolumeWriter(string path)
        {
            Step("Write", path);
            return new FakeVolumeWriter(this, path);
        }

        private sealed class FakeVolumeReader : IVolumeReader
        {
            private readonly FakeHost host;
            private long remaining;
            private bool holeSent;
            public FakeVolumeReader(FakeHost host, long dataBytes) { this.host = host; remaining = dataBytes; }

            public VolumeChunk Read(byte[] buffer)
            {
                host.Reached("Read", "");
                if (!holeSent)
                {
                    holeSent = true;
                    return new VolumeChunk(VolumeChunkKind.Hole, 4096);
                }
                if (remaining == 0) return VolumeChunk.EndOfVolume;
                long chunk = Math.Min(remaining, buffer.Length);
                remaining -= chunk;
                return new VolumeChunk(VolumeChunkKind.Data, chunk);
            }

            public void Complete() { }
            public void Dispose() { }
        }

        private sealed class FakeVolumeWriter : IVolumeWriter
        {
            private readonly FakeHost host;
            private readonly string path;
            public FakeVolumeWriter(FakeHost host, string path) { this.host = host; this.path = path; }
            public void Write(byte[] buffer, int count)
            {
                host.Reached("WriteChunk", path);
                Thread.Sleep(host.WriteDelay);
                host.Volumes[path].AllocationBytes += count;
            }
            public void WriteHole(long length) => host.Calls.Add("Hole " + length);
            public void Complete() { }
            public void Dispose() { }
        }

        /// <summary>What CheckGuestCpu answers; compatible unless a test says otherwise.</summary>
        public bool? CpuCompatible { get; set; } = true;

        /// <summary>A whole answer of CheckGuestCpu (a hypervisor's own reasons), instead of the one <see cref="CpuCompatible"/> makes.</summary>
        public CpuCompatibility? CpuAnswer { get; set; }

        public CpuCompatibility CheckGuestCpu(GuestDefinition liveDefinition) =>
            Answered(() => CpuAnswer ?? new CpuCompatibility(CpuCompatible, CpuCompatible == false ? "no such CPU here" : "same CPU"));

        public void Dispose()
        {
        }
    }
}
