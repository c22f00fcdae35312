using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>Starts (or completes) a real lab of libvirt hosts on this machine and connects them to the session.</summary>
    [Cmdlet(VerbsLifecycle.Start, "MigrationLab", SupportsShouldProcess = true)]
    [OutputType(typeof(MigrationHost))]
    public sealed class StartMigrationLabCommand : VmMigrationCmdlet
    {
        [Parameter]
        [ValidateRange(1, LabDefaults.MaxHostCount)]
        public int HostCount { get; set; } = LabDefaults.HostCount;

        /// <summary>The lab's directory; a relative path is relative to the current PowerShell location.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = LabDefaults.Path;

        protected override void ProcessRecord()
        {
            var path = ResolveLiteralPath(Path);
            if (!ShouldProcess(path, $"Start a lab of {HostCount} libvirt hosts"))
            {
                return;
            }
            LabInfo info;
            try
            {
                info = new LabSession(Registry).Start(new LabOptions { HostCount = HostCount, Path = path }, CancellationToken);
            }
            catch (MigrationException error)
            {
                ThrowMigrationError(error, path);
                return;
            }
            if (info.Accelerator != "kvm")
            {
                WriteWarning("No usable /dev/kvm: lab guests run under TCG (software emulation), slower than KVM.");
            }
            var names = info.Hosts.Select(h => h.Name).ToList();
            WriteObject(Inventory.DescribeHosts(Registry.Hosts.Where(h => names.Contains(h.Name)), CancellationToken), true);
        }
    }
}
