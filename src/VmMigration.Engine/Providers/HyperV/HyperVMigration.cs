using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// Live migration of one VM between Hyper-V hosts through Msvm_VirtualSystemMigrationService (root/virtualization/v2):
    /// unsupported options refused first, then the destination's migration settings, then MigrateVirtualSystemToHost run as a job.
    /// </summary>
    public sealed class HyperVMigration
    {
        public const ushort MigrationTypeVirtualSystem = 32768;
        public const ushort MigrationTypeStorage = 32769;
        public const ushort MigrationTypeVirtualSystemAndStorage = 32771;

        private readonly ICimGateway source;
        private readonly HyperVJob job;

        public HyperVMigration(ICimGateway source, HyperVJob job)
        {
            this.source = source;
            this.job = job;
        }

        /// <summary>Throws OptionNotSupportedOnHyperV before anything starts when a parameter asks for what Hyper-V cannot do.</summary>
        public static void RefuseUnsupported(LiveMigrationParameters parameters, string vmName)
        {
            var refused = new List<string>();
            if (parameters.AllowPostCopy) refused.Add("post-copy");
            if (parameters.AutoConverge) refused.Add("auto-converge");
            if (!string.Equals(parameters.Compression ?? "None", "None", StringComparison.OrdinalIgnoreCase)) refused.Add($"compression ({parameters.Compression})");
            if (parameters.DeltaCacheMB > 0) refused.Add("XBZRLE delta cache");
            if (parameters.InitialMaxDowntimeMs > 0) refused.Add("max-downtime tuning");
            if (refused.Count > 0)
            {
                throw new MigrationException(ErrorIds.OptionNotSupportedOnHyperV, ErrorKind.InvalidArgument,
                    $"Cannot move '{vmName}' on Hyper-V with {string.Join(", ", refused)}: Hyper-V live migration has no such option. Run it without them.", vmName);
            }
        }

        /// <summary>Throws MigrationDisabledOnDestination unless the destination accepts incoming migrations on some listener address.</summary>
        public static void RequireMigrationEnabled(ICimGateway destination, string destinationName)
        {
            var settings = destination.Query("SELECT * FROM Msvm_VirtualSystemMigrationServiceSettingData").FirstOrDefault();
            if (settings == null || !(settings["EnableVirtualSystemMigration"] is bool enabled && enabled))
            {
                throw new MigrationException(ErrorIds.MigrationDisabledOnDestination, ErrorKind.ResourceUnavailable,
                    $"The Hyper-V host '{destinationName}' does not accept incoming live migrations. Enable them there (Enable-VMMigration) and retry.", destinationName);
            }
            var listeners = destination.Query("SELECT * FROM Msvm_VirtualSystemMigrationNetworkSettingData")
                .SelectMany(n => n["Subnets"] is IEnumerable<string> subnets ? subnets : Array.Empty<string>()).ToList();
            if (listeners.Count == 0)
            {
                throw new MigrationException(ErrorIds.MigrationDisabledOnDestination, ErrorKind.ResourceUnavailable,
                    $"The Hyper-V host '{destinationName}' has live migration enabled but no network to receive it on. Add one (Add-VMMigrationNetwork) and retry.", destinationName);
            }
        }

        /// <summary>Runs the move and blocks until its job ends.</summary>
        public void Migrate(string vmName, string destinationHost, LiveMigrationParameters parameters, TimeSpan limit,
            IProgress<int>? percentComplete, CancellationToken cancellationToken)
        {
            RefuseUnsupported(parameters, vmName);
            var vm = FindVm(vmName);
            var service = source.Query("SELECT * FROM Msvm_VirtualSystemMigrationService").FirstOrDefault()
                ?? throw new MigrationException(ErrorIds.MigrationFailed, ErrorKind.ResourceUnavailable,
                    $"The source host of '{vmName}' has no Hyper-V migration service.", vmName);
            var setting = new Dictionary<string, object?>
            {
                ["MigrationType"] = parameters.CopyStorage ? MigrationTypeVirtualSystemAndStorage : MigrationTypeVirtualSystem,
                ["TransportType"] = (ushort)5,
            };
            if (!string.IsNullOrEmpty(parameters.MigrationUri))
            {
                setting["DestinationIPAddressList"] = new[] { parameters.MigrationUri! };
            }
            var inParameters = new Dictionary<string, object?>
            {
                ["ComputerSystem"] = vm,
                ["DestinationHost"] = destinationHost,
                ["MigrationSettingData"] = EmbeddedInstanceText.Serialize(new CimObject("Msvm_VirtualSystemMigrationSettingData", setting)),
            };
            job.Run(service, "MigrateVirtualSystemToHost", inParameters, vmName, limit, percentComplete, cancellationToken);
        }

        private CimObject FindVm(string vmName)
        {
            var quoted = vmName.Replace("\\", "\\\\").Replace("'", "\\'");
            return source.Query($"SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine' AND (ElementName = '{quoted}' OR Name = '{quoted}')").FirstOrDefault()
                ?? throw new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, $"The Hyper-V host has no VM '{vmName}'.", vmName);
        }
    }
}
