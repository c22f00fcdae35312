using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// One Hyper-V host behind the engine's seam, over an <see cref="ICimGateway"/> (root/virtualization/v2, and root/cimv2
    /// for the host's size). Inventory here; moves, jobs and compatibility in HyperVHostConnection.Migration.cs; what Hyper-V
    /// cannot do in HyperVHostConnection.Unsupported.cs. Thread-safe as far as its gateway is.
    /// </summary>
    public sealed partial class HyperVHostConnection : IHostConnection
    {
        private readonly ICimGateway cim;
        private readonly HyperVEndpoint endpoint;
        private readonly HyperVJob job;
        // Memory of each VM (by GUID) as last listed: a migration job's percentage is told in bytes of it.
        private readonly ConcurrentDictionary<string, long> memoryMBByGuid = new ConcurrentDictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        private volatile bool disposed;

        public HyperVHostConnection(string uriDisplay, HyperVEndpoint endpoint, ICimGateway cim, TimeSpan jobPollInterval, Action<TimeSpan>? sleep = null)
        {
            Uri = uriDisplay;
            this.endpoint = endpoint;
            this.cim = cim;
            job = new HyperVJob(cim, jobPollInterval, sleep);
        }

        public string Uri { get; }

        public bool IsAlive => !disposed;

        /// <summary>
        /// The host's size from root/cimv2 (Win32_OperatingSystem, Win32_ComputerSystem, Win32_ComputerSystemProduct,
        /// Win32_Processor): Hyper-V's own namespace has no free-memory figure for the host, and these classes are the ones
        /// Windows documents for it on every version that has root/virtualization/v2. The Hyper-V version is the OS's.
        /// </summary>
        public HostFacts GetHostFacts()
        {
            var os = cim.Query("SELECT CSName, Version, TotalVisibleMemorySize, FreePhysicalMemory FROM Win32_OperatingSystem", CimNamespaces.OperatingSystem).FirstOrDefault();
            var computer = cim.Query("SELECT DNSHostName, NumberOfLogicalProcessors FROM Win32_ComputerSystem", CimNamespaces.OperatingSystem).FirstOrDefault();
            var product = cim.Query("SELECT UUID FROM Win32_ComputerSystemProduct", CimNamespaces.OperatingSystem).FirstOrDefault();
            var processor = cim.Query("SELECT Name FROM Win32_Processor", CimNamespaces.OperatingSystem).FirstOrDefault();
            return new HostFacts
            {
                Hostname = computer?["DNSHostName"] as string ?? os?["CSName"] as string ?? endpoint.Host,
                HostUuid = product?["UUID"] as string ?? "",
                CpuCount = (int)Number(computer?["NumberOfLogicalProcessors"]),
                MemoryMB = Number(os?["TotalVisibleMemorySize"]) / 1024,
                FreeMemoryMB = Number(os?["FreePhysicalMemory"]) / 1024,
                CpuModel = (processor?["Name"] as string)?.Trim() ?? "",
                HypervisorType = "Hyper-V",
                HypervisorVersion = os?["Version"] as string ?? "",
            };
        }

        /// <summary>Every VM (Msvm_ComputerSystem, Caption 'Virtual Machine') with its memory and vCPUs.</summary>
        public IReadOnlyList<GuestInfo> ListGuests() => GuestsOf(cim.Query(HyperVQueries.VirtualMachines));

        public GuestInfo? FindGuest(string nameOrUuid)
        {
            var vm = HyperVQueries.FindVm(cim, nameOrUuid);
            return vm == null ? null : GuestsOf(new[] { vm }).Single();
        }

        public void Dispose()
        {
            disposed = true;
            cim.Dispose();
        }

        /// <summary>
        /// The VMs with their sizes: Msvm_MemorySettingData.VirtualQuantity (MiB, the startup memory) and
        /// Msvm_ProcessorSettingData.VirtualQuantity (vCPUs) of the VM's realized settings, whose InstanceID is
        /// "Microsoft:&lt;VM GUID&gt;\..." (a snapshot's settings carry the snapshot's GUID instead, so they never match).
        /// </summary>
        private IReadOnlyList<GuestInfo> GuestsOf(IReadOnlyList<CimObject> vms)
        {
            if (vms.Count == 0) return Array.Empty<GuestInfo>();
            var memory = cim.Query("SELECT InstanceID, VirtualQuantity FROM Msvm_MemorySettingData");
            var processors = cim.Query("SELECT InstanceID, VirtualQuantity FROM Msvm_ProcessorSettingData");
            return vms.Select(vm =>
            {
                var guid = vm["Name"] as string ?? "";
                var memoryMB = Number(RealizedSettingOf(memory, guid)?["VirtualQuantity"]);
                memoryMBByGuid[guid] = memoryMB;
                return new GuestInfo
                {
                    Name = vm["ElementName"] as string ?? guid,
                    Uuid = guid,
                    State = HyperVGuestStates.ToVmState((ushort)Number(vm["EnabledState"])),
                    MemoryMB = memoryMB,
                    VCpuCount = (int)Number(RealizedSettingOf(processors, guid)?["VirtualQuantity"]),
                    Persistent = true,
                };
            }).ToList();
        }

        private static CimObject? RealizedSettingOf(IReadOnlyList<CimObject> settings, string vmGuid) =>
            settings.FirstOrDefault(s => s["InstanceID"] is string id && id.StartsWith($"Microsoft:{vmGuid}\\", StringComparison.OrdinalIgnoreCase));

        /// <summary>A CIM number as MMI or a replay gives it (any integer type, or its text from CIM-XML); 0 when absent.</summary>
        private static long Number(object? value) =>
            value == null ? 0 : value is string text ? (long.TryParse(text, out var parsed) ? parsed : 0) : Convert.ToInt64(value);
    }
}
