using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;
using VmMigration.Providers;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>Boots a tiny lab guest whose working set and dirty rate are parameters and whose memory can be checked.</summary>
    [Cmdlet(VerbsCommon.New, "MigrationLabVM", SupportsShouldProcess = true)]
    [OutputType(typeof(MigrationVM))]
    public sealed class NewMigrationLabVMCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference HostName { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
        public string Name { get; set; } = "";

        [Parameter]
        [ValidateRange(16, 16384)]
        public int MemoryMB { get; set; } = 256;

        [Parameter]
        [ValidateRange(1, 16384)]
        public int WorkingSetMB { get; set; } = 64;

        /// <summary>How fast the guest rewrites its working set; 0 writes it once and then only the heartbeat moves.</summary>
        [Parameter]
        [ValidateRange(0, 100000)]
        public int DirtyRateMBps { get; set; }

        [Parameter]
        public LabGuestMode Mode { get; set; } = LabGuestMode.Paced;

        [Parameter]
        [ValidateRange(1, 8)]
        public int VCpuCount { get; set; } = 1;

        /// <summary>A qcow2 data disk of this size in the host's lab pool, its first half written with a known pattern; 0 for none.</summary>
        [Parameter]
        [ValidateRange(0, 65536)]
        public int DiskSizeMB { get; set; }

        protected override void ProcessRecord()
        {
            var host = ResolveDestination(HostName);
            if (!ShouldProcess($"host '{host.Name}'", $"Create and start lab guest '{Name}' ({MemoryMB} MiB, working set {WorkingSetMB} MiB at {DirtyRateMBps} MiB/s{(DiskSizeMB > 0 ? $", {DiskSizeMB} MiB disk" : "")})"))
            {
                return;
            }
            try
            {
                var (lab, labHost) = new LabSession(Registry).FindLabHost(host);
                var clash = Registry.ForEachHost(Registry.Hosts, c => c.FindGuest(Name), $"a look-up of VM '{Name}'", CancellationToken)
                    .FirstOrDefault(answer => answer.Value != null);
                if (clash != null)
                {
                    throw new MigrationException(ErrorIds.VmExistsOnDestination, ErrorKind.ResourceExists,
                        $"A VM named '{Name}' already exists on '{clash.Host.Name}'. Choose another name.", Name);
                }
                var spec = new LabGuestSpec { Name = Name, MemoryMB = MemoryMB, WorkingSetMB = WorkingSetMB, DirtyRateMBps = DirtyRateMBps, Mode = Mode, VCpuCount = VCpuCount };
                var image = LabGuestImage.Resolve();
                spec.DiskPath = DiskSizeMB > 0 ? LabGuestDisk.Create(host.Connection, Name, DiskSizeMB) : null;
                GuestInfo guest;
                try
                {
                    guest = host.Connection.DefineAndStartGuest(LabGuestDomainXml.Definition(spec, labHost, lab.Accelerator, image));
                }
                catch (MigrationException)
                {
                    if (spec.DiskPath != null) host.Connection.DeleteStorageVolume(spec.DiskPath);
                    throw;
                }
                WriteObject(Inventory.ToMigrationVM(guest, host.Name));
            }
            catch (MigrationException error)
            {
                WriteMigrationError(error, Name);
            }
        }
    }
}
