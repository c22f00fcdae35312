using System;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>The WQL the provider asks of root/virtualization/v2 in more than one place: VMs, and the migration service.</summary>
    public static class HyperVQueries
    {
        /// <summary>Msvm_ComputerSystem: Caption 'Virtual Machine' for VMs, 'Hosting Computer System' for the host itself.</summary>
        public const string VirtualMachines = "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine'";

        public const string MigrationService = "SELECT * FROM Msvm_VirtualSystemMigrationService";

        /// <summary>
        /// The VM whose GUID (Name) or display name (ElementName) is <paramref name="nameOrGuid"/>; null when none. Hyper-V lets
        /// two VMs share a display name, so a name that several have is AmbiguousVmName rather than a guess at one of them.
        /// </summary>
        public static CimObject? FindVm(ICimGateway cim, string nameOrGuid)
        {
            var quoted = nameOrGuid.Replace("\\", "\\\\").Replace("'", "\\'");
            var found = cim.Query($"{VirtualMachines} AND (ElementName = '{quoted}' OR Name = '{quoted}')");
            var byGuid = found.FirstOrDefault(vm => string.Equals(vm["Name"] as string, nameOrGuid, StringComparison.OrdinalIgnoreCase));
            if (byGuid != null) return byGuid;
            var byName = found.Where(vm => string.Equals(vm["ElementName"] as string, nameOrGuid, StringComparison.OrdinalIgnoreCase)).ToList();
            if (byName.Count > 1)
            {
                throw new MigrationException(ErrorIds.AmbiguousVmName, ErrorKind.InvalidArgument,
                    $"{byName.Count} VMs of the Hyper-V host are named '{nameOrGuid}' ({string.Join(", ", byName.Select(vm => vm["Name"]))}); name the one meant by its GUID.", nameOrGuid);
            }
            return byName.FirstOrDefault();
        }

        public static CimObject RequireVm(ICimGateway cim, string nameOrGuid, string hostDisplay) =>
            FindVm(cim, nameOrGuid) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                $"The Hyper-V host '{hostDisplay}' has no VM '{nameOrGuid}'.", nameOrGuid);

        public static CimObject RequireMigrationService(ICimGateway cim, string hostDisplay) =>
            cim.Query(MigrationService).FirstOrDefault() ?? throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotInstalled,
                $"The Hyper-V host '{hostDisplay}' has no Msvm_VirtualSystemMigrationService: its Hyper-V role is not installed or not running.", hostDisplay);
    }
}
