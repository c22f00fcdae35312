using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Execution.Live;

namespace VmMigration.Commands
{
    /// <summary>Pre-flight: the checks Move-VMLive runs first, with every reason a VM cannot move now. Nothing changes.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "VMMigration")]
    [OutputType(typeof(MigrationCheck))]
    public sealed class TestVMMigrationCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference Destination { get; set; } = null!;

        [Parameter]
        public SwitchParameter CopyStorage { get; set; }

        /// <summary>Check as for a move whose disks land in this pool of the destination (implies -CopyStorage).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(StoragePoolNameCompleter))]
        public string? DestinationStoragePool { get; set; }

        /// <summary>The encryption the move would ask for: with Required, a pair known unable to encrypt is a reason it cannot move.</summary>
        [Parameter]
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;

        /// <summary>The network (CIDR) the move's stream would cross: a destination with no address in it is a reason.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? MigrationNetwork { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolveDestination(Destination);

            foreach (var reference in VM)
            {
                var located = LocateOrReport(reference);
                if (located == null)
                {
                    continue;
                }

                var request = new LiveMigrationRequest(located, destination) { CopyStorage = CopyStorage, DestinationStoragePool = DestinationStoragePool, MigrationNetwork = CheckMigrationNetwork(MigrationNetwork) };
                var reasons = MigrationPreflight.Check(request, CancellationToken).ToList();
                var canEncrypt = MigrationTls.CanEncrypt(located.Host, destination, out var whyNot);
                if (canEncrypt == false && Encryption == MigrationEncryption.Required)
                {
                    reasons.Add(MigrationTls.Unavailable(located.Guest.Name, located.Host, destination, whyNot!));
                }
                WriteObject(new MigrationCheck
                {
                    VMName = located.Guest.Name,
                    Source = located.Host.Name,
                    Destination = destination.Name,
                    Compatible = reasons.Count == 0,
                    CanEncrypt = canEncrypt,
                    Reasons = reasons.Select(r => new MigrationCheckReason { Code = r.ErrorId, Message = r.Message }).ToList(),
                });
            }
        }
    }
}
