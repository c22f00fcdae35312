using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Tests.Fakes
{
    /// <summary>In-memory hosts for engine unit tests: a migration follows a scripted sequence of job samples and outcome.</summary>
    public sealed class FakeCluster : IHypervisorProvider
    {
        private readonly ConcurrentDictionary<string, FakeHost> hosts = new ConcurrentDictionary<string, FakeHost>();

        public string Name => "Fake";

        public FakeHost AddHost(string uri, string hostname, long freeMemoryMB = 8192)
        {
            var host = new FakeHost(this, uri, hostname, freeMemoryMB);
            hosts[uri] = host;
            return host;
        }

        public FakeHost this[string uri] => hosts[uri];

        public IHostConnection Connect(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (!hosts.TryGetValue(uri, out var host))
            {
                throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, $"Cannot reach '{uri}'.", uri);
            }
            if (host.ConnectDelay > timeout)
            {
                throw new MigrationException(ErrorIds.HostConnectTimeout, ErrorKind.OperationTimeout, $"'{uri}' did not answer.", uri);
            }
            return host;
        }
    }

    /// <summary>How a scripted migration ends.</summary>
    public enum FakeOutcome
    {
        Succeed,
        /// <summary>The destination dies mid-transfer: the call fails and a paused incoming copy is left on the destination.</summary>
        DestinationDies,
        /// <summary>Transfer stops advancing until someone aborts the job.</summary>
        Stall,
        /// <summary>Keeps iterating (samples repeat the last one) until aborted or switched to post-copy.</summary>
        NeverConverge,
    }

    public sealed class FakeHost : IHostConnection
    {
        private readonly FakeCluster cluster;
        private readonly ConcurrentDictionary<string, GuestInfo> guests = new ConcurrentDictionary<string, GuestInfo>();
        private volatile JobProgress? currentJob;
        private volatile bool abortRequested;
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
        public bool IsAlive => true;

        // Script for the next migration started from this host.
        public List<JobProgress> Samples { get; } = new List<JobProgress>();
        public FakeOutcome Outcome { get; set; } = FakeOutcome.Succeed;
        public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMilliseconds(5);
        public LiveMigrationParameters? LastParameters { get; private set; }
        public List<string> Calls { get; } = new List<string>();
        public double? DirtyRate { get; set; }

        public GuestInfo AddGuest(string name, VMState state = VMState.Running, long memoryMB = 256)
        {
            var guest = new GuestInfo { Name = name, Uuid = Guid.NewGuid().ToString(), State = state, MemoryMB = memoryMB, VCpuCount = 1, Persistent = true };
            guests[name] = guest;
            return guest;
        }

        public void Put(GuestInfo guest) => guests[guest.Name] = guest;

        public HostFacts GetHostFacts() => new HostFacts { Hostname = Hostname, HostUuid = HostUuid, CpuCount = 4, MemoryMB = 16384, FreeMemoryMB = FreeMemoryMB };

        public IReadOnlyList<GuestInfo> ListGuests() => guests.Values.OrderBy(g => g.Name).ToList();

        public GuestInfo? FindGuest(string nameOrUuid) =>
            guests.TryGetValue(nameOrUuid, out var byName) ? byName : guests.Values.FirstOrDefault(g => g.Uuid == nameOrUuid);

        public GuestInfo DefineAndStartGuest(string domainXml) => throw new NotSupportedException();

        public void DestroyGuest(string name)
        {
            Calls.Add("Destroy " + name);
            if (guests.TryGetValue(name, out var g))
            {
                g.State = VMState.ShutOff;
            }
        }

        public void UndefineGuest(string name)
        {
            Calls.Add("Undefine " + name);
            guests.TryRemove(name, out _);
        }

        public string GetGuestXml(string name) => "<domain/>";

        public byte[] ReadGuestMemory(string name, ulong physicalAddress, int length) => new byte[length];

        public JobProgress MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters)
        {
            LastParameters = parameters;
            abortRequested = false;
            postCopyRequested = false;
            var destination = cluster[destinationUri];
            var guest = FindGuest(name) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", name);
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
                            throw new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation, "operation failed: job 'migration out' failed: Unable to write to socket: Connection reset by peer", name);
                        }
                        if (Outcome == FakeOutcome.Succeed || postCopyRequested)
                        {
                            break;
                        }
                    }
                    index++;
                    Thread.Sleep(SampleInterval);
                }

                guests.TryRemove(guest.Name, out _);
                destination.Put(new GuestInfo { Name = guest.Name, Uuid = guest.Uuid, State = VMState.Running, MemoryMB = guest.MemoryMB, VCpuCount = guest.VCpuCount, Persistent = true });
                var final = currentJob ?? new JobProgress();
                return new JobProgress { Kind = JobKind.Completed, DowntimeMs = 12, DataProcessed = final.DataProcessed + 1000, MemoryIteration = final.MemoryIteration, AutoConvergeThrottlePercent = final.AutoConvergeThrottlePercent };
            }
            finally
            {
                currentJob = null;
            }
        }

        public JobProgress? GetJobProgress(string name) => currentJob;

        public void AbortJob(string name)
        {
            Calls.Add("Abort " + name);
            abortRequested = true;
        }

        public void SetMigrationMaxDowntime(string name, long milliseconds) => Calls.Add($"MaxDowntime {milliseconds}");

        public void SetMigrationBandwidth(string name, long mebibytesPerSecond) => Calls.Add($"Bandwidth {mebibytesPerSecond}");

        public void StartPostCopy(string name)
        {
            Calls.Add("PostCopy");
            postCopyRequested = true;
        }

        public double? MeasureDirtyRateMBps(string name, TimeSpan period) => DirtyRate;

        /// <summary>What CheckGuestCpu answers; compatible unless a test says otherwise.</summary>
        public bool? CpuCompatible { get; set; } = true;

        public CpuCompatibility CheckGuestCpu(string guestXml) => new CpuCompatibility(CpuCompatible, CpuCompatible == false ? "no such CPU here" : "same CPU");

        public void Dispose()
        {
        }
    }
}
