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

        /// <summary>The VM whose display name (ElementName) or GUID (Name) is <paramref name="nameOrGuid"/>; null when none.</summary>
        public static CimObject? FindVm(ICimGateway cim, string nameOrGuid)
        {
            var quoted = nameOrGuid.Replace("\\", "\\\\").Replace("'", "\\'");
            return cim.Query($"{VirtualMachines} AND (ElementName = '{quoted}' OR Name = '{quoted}')").FirstOrDefault();
        }

        public static CimObject RequireVm(ICimGateway cim, string nameOrGuid, string hostDisplay) =>
            FindVm(cim, nameOrGuid) ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound,
                $"The Hyper-V host '{hostDisplay}' has no VM '{nameOrGuid}'.", nameOrGuid);

        public static CimObject RequireMigrationService(ICimGateway cim, string hostDisplay) =>
            cim.Query(MigrationService).FirstOrDefault() ?? throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotInstalled,
                $"The Hyper-V host '{hostDisplay}' has no Msvm_VirtualSystemMigrationService: its Hyper-V role is not installed or not running.", hostDisplay);
    }
}
