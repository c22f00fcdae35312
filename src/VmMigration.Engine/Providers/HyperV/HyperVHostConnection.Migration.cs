using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    public sealed partial class HyperVHostConnection
    {
        /// <summary>How long a compatibility check (a job on the source) may run before it is stopped.</summary>
        private static readonly TimeSpan CheckLimit = TimeSpan.FromMinutes(2);

        /// <summary>No limit of its own: the engine's live migration job decides when a move has run too long, and aborts it.</summary>
        private static readonly TimeSpan NoLimit = TimeSpan.MaxValue;

        public JobProgress MigrateLive(string name, string destinationUri, LiveMigrationParameters parameters)
        {
            var destination = HyperVEndpoint.Parse(destinationUri);
            if (parameters.Encrypted)
            {
                // Before anything moves, so -Encryption Auto moves in the clear and says why, and Required leaves the VM where it is.
                throw new MigrationException(ErrorIds.EncryptionUnavailable, ErrorKind.ResourceUnavailable,
                    $"Hyper-V live migration over TCP has no encryption of its own (protect the migration network with IPsec, or use -Encryption None); '{name}' was not moved", name);
            }
            var clock = Stopwatch.StartNew();
            var memoryBytes = MemoryBytesOf(HyperVQueries.RequireVm(cim, name, Uri)["Name"] as string);
            new HyperVMigration(cim, job).Migrate(name, destination.Host, parameters, NoLimit, null, CancellationToken.None);
            return new JobProgress
            {
                Kind = JobKind.Completed, Operation = JobOperation.MigrationOut, ElapsedMs = clock.ElapsedMilliseconds,
                DataTotal = memoryBytes, DataProcessed = memoryBytes,
            };
        }

        /// <summary>
        /// The Msvm_MigrationJob of the VM (VirtualSystemName is its GUID) that has not ended, whoever started it. Hyper-V tells
        /// only PercentComplete, so the data figures are that share of the VM's memory: an estimate, never a measurement.
        /// </summary>
        public JobProgress? GetJobProgress(string name)
        {
            var running = RunningMigrationJob(name);
            if (running == null) return null;
            var memoryBytes = MemoryBytesOf(running["VirtualSystemName"] as string);
            var percent = Math.Max(0, Math.Min(100, Convert.ToInt64(running["PercentComplete"] ?? 0)));
            return new JobProgress
            {
                Kind = JobKind.Bounded, Operation = JobOperation.MigrationOut,
                ElapsedMs = running["ElapsedTime"] is TimeSpan elapsed ? (long)elapsed.TotalMilliseconds : 0,
                DataTotal = memoryBytes, DataProcessed = memoryBytes * percent / 100, DataRemaining = memoryBytes - memoryBytes * percent / 100,
            };
        }

        /// <summary>Asks the VM's running migration job to terminate (RequestStateChange 4); the VM stays on its source.</summary>
        public void AbortJob(string name)
        {
            var running = RunningMigrationJob(name);
            if (running != null) job.RequestTermination(running);
        }

        /// <summary>
        /// This host, as the destination, checks a VM of another Hyper-V host: incoming migrations enabled with a network,
        /// the source's compatibility blob (CheckSystemCompatibilityInfo), and the source's own check of a move here
        /// (CheckVirtualSystemIsMigratableToHost). Each Msvm_Error Hyper-V gives is one reason.
        /// </summary>
        public CpuCompatibility CheckGuestCpu(GuestDefinition liveDefinition)
        {
            if (!(liveDefinition.ProviderDefinition is HyperVLiveDefinition fromHyperV))
            {
                return new CpuCompatibility(null, $"VM '{liveDefinition.Name}' does not run on Hyper-V; a Hyper-V host cannot compare it");
            }
            var reasons = new List<MigrationException>();
            try
            {
                HyperVMigration.RequireMigrationEnabled(cim, endpoint.Host);
            }
            catch (MigrationException disabled)
            {
                reasons.Add(disabled);
            }
            if (fromHyperV.CompatibilityInfo != null)
            {
                reasons.AddRange(CheckCompatibilityInfo(liveDefinition.Name, fromHyperV.CompatibilityInfo));
            }
            reasons.AddRange(fromHyperV.CheckMigratableTo(endpoint.Host));
            if (reasons.Count > 0) return new CpuCompatibility(reasons);
            return fromHyperV.CompatibilityInfo == null
                ? new CpuCompatibility(null, $"the source of VM '{liveDefinition.Name}' gave no compatibility data; Hyper-V's own check of the move found nothing against it")
                : new CpuCompatibility(true, $"Hyper-V host {Uri} accepts VM '{liveDefinition.Name}'");
        }

        /// <summary>The VM's identity and size, and what a destination's compatibility check needs of this source.</summary>
        public GuestDefinition GetLiveGuestDefinition(string name)
        {
            var vm = HyperVQueries.RequireVm(cim, name, Uri);
            var guest = GuestsOf(new[] { vm }).Single();
            var providerDefinition = new HyperVLiveDefinition(CompatibilityInfoOf(vm),
                destinationHost => new HyperVMigration(cim, job).CheckMigratable(guest.Name, destinationHost, new LiveMigrationParameters(), CheckLimit));
            return new GuestDefinition(guest.Name, guest.Uuid, null, null, null, guest.MemoryMB, guest.VCpuCount, providerDefinition);
        }

        /// <summary>Hyper-V keeps one definition per VM, so the persistent one is the live one.</summary>
        public GuestDefinition GetGuestDefinition(string name) => GetLiveGuestDefinition(name);

        private CimObject? RunningMigrationJob(string name)
        {
            var guid = HyperVQueries.FindVm(cim, name)?["Name"] as string;
            if (guid == null) return null;
            return cim.Query($"SELECT * FROM Msvm_MigrationJob WHERE VirtualSystemName = '{guid}'").FirstOrDefault(HyperVJob.IsRunning);
        }

        /// <summary>GetSystemCompatibilityInfo of the VM: an opaque blob for the destination; null when the source gives none.</summary>
        private byte[]? CompatibilityInfoOf(CimObject vm)
        {
            var service = HyperVQueries.RequireMigrationService(cim, Uri);
            var answer = cim.Invoke(service, "GetSystemCompatibilityInfo", new Dictionary<string, object?> { ["ComputerSystem"] = vm });
            return answer.ReturnValue == HyperVJob.Completed && answer.OutParameters.TryGetValue("CompatibilityInfo", out var blob) ? blob as byte[] : null;
        }

        /// <summary>CheckSystemCompatibilityInfo here: 0 compatible; otherwise (32784 Not compatible) each Msvm_Error of Reasons.</summary>
        private IReadOnlyList<MigrationException> CheckCompatibilityInfo(string vmName, byte[] compatibilityInfo)
        {
            var service = HyperVQueries.RequireMigrationService(cim, Uri);
            var answer = cim.Invoke(service, "CheckSystemCompatibilityInfo", new Dictionary<string, object?> { ["CompatibilityInfo"] = compatibilityInfo });
            if (answer.ReturnValue == HyperVJob.Completed) return Array.Empty<MigrationException>();
            var errors = MsvmError.AllIn(answer.OutParameters.TryGetValue("Reasons", out var reasons) ? reasons : null);
            return errors.Count > 0
                ? errors.Select(e => HyperVMigration.Incompatible(vmName, endpoint.Host, e.ToString())).ToList()
                : new[] { HyperVMigration.Incompatible(vmName, endpoint.Host, $"CheckSystemCompatibilityInfo answered {answer.ReturnValue} without a reason") };
        }

        private long MemoryBytesOf(string? vmGuid) =>
            vmGuid != null && memoryMBByGuid.TryGetValue(vmGuid, out var memoryMB) ? memoryMB * 1024 * 1024 : 0;
    }
}
