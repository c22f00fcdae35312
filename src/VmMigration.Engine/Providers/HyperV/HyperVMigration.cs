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

        /// <summary>Msvm_VirtualSystemMigrationSettingData.TransportType 5: TCP (32768 would be SMB).</summary>
        private const ushort TransportTcp = 5;

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
            var (service, inParameters) = Request(vmName, destinationHost, parameters);
            job.Run(service, "MigrateVirtualSystemToHost", inParameters, vmName, limit, percentComplete, cancellationToken);
        }

        /// <summary>
        /// Asks the source whether the move would be accepted (CheckVirtualSystemIsMigratableToHost, the same settings as the
        /// move): each Msvm_Error of a failed check is one HyperVIncompatible reason; none when it is migratable.
        /// </summary>
        public IReadOnlyList<MigrationException> CheckMigratable(string vmName, string destinationHost, LiveMigrationParameters parameters, TimeSpan limit)
        {
            var (service, inParameters) = Request(vmName, destinationHost, parameters);
            try
            {
                var answer = job.Run(service, "CheckVirtualSystemIsMigratableToHost", inParameters, vmName, limit, null, CancellationToken.None);
                return answer.OutParameters.TryGetValue("IsMigratable", out var migratable) && migratable is bool yes && !yes
                    ? new[] { Incompatible(vmName, destinationHost, "the source host says it is not migratable there, without a reason") }
                    : Array.Empty<MigrationException>();
            }
            catch (HyperVJobFailure failure) when (failure.ErrorId == ErrorIds.MigrationFailed)
            {
                return failure.Errors.Count == 0
                    ? new[] { Incompatible(vmName, destinationHost, failure.Message) }
                    : failure.Errors.Select(e => Incompatible(vmName, destinationHost, e.ToString())).ToList();
            }
        }

        /// <summary>One reason Hyper-V gave why <paramref name="vmName"/> cannot move to <paramref name="destinationHost"/>.</summary>
        public static MigrationException Incompatible(string vmName, string destinationHost, string hyperVSays) =>
            new MigrationException(ErrorIds.HyperVIncompatible, ErrorKind.InvalidOperation,
                $"VM '{vmName}' cannot move to Hyper-V host '{destinationHost}': {hyperVSays}", vmName);

        private (CimObject Service, Dictionary<string, object?> InParameters) Request(string vmName, string destinationHost, LiveMigrationParameters parameters)
        {
            var vm = HyperVQueries.RequireVm(source, vmName, "the source");
            var service = HyperVQueries.RequireMigrationService(source, "the source");
            var setting = new Dictionary<string, object?>
            {
                ["MigrationType"] = parameters.CopyStorage ? MigrationTypeVirtualSystemAndStorage : MigrationTypeVirtualSystem,
                ["TransportType"] = TransportTcp,
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
            return (service, inParameters);
        }
    }
}
