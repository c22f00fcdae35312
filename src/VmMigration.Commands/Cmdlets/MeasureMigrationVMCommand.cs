using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Commands
{
    /// <summary>
    /// Samples running VMs over one window (CPU use, dirty rate) and predicts a live move of each to every other connected
    /// host (or the -Destination hosts): duration, downtime, bytes, whether it converges. Nothing changes.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "MigrationVM")]
    [OutputType(typeof(MigrationMeasurement))]
    public sealed class MeasureMigrationVMCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        /// <summary>Predict moves to these hosts only; every connected host but the VM's own when omitted.</summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public HostReference[] Destination { get; set; } = Array.Empty<HostReference>();

        [Parameter]
        [ValidateRange(1, 300)]
        public int SampleSec { get; set; } = 2;

        [Parameter]
        [ValidateRange(1, 1000000)]
        public double BandwidthMBps { get; set; } = 128;

        [Parameter]
        [ValidateRange(1, 600000)]
        public double MaxDowntimeMs { get; set; } = 300;

        private readonly List<LocatedVM> located = new List<LocatedVM>();

        protected override void ProcessRecord()
        {
            foreach (var reference in VM)
            {
                var vm = LocateOrReport(reference);
                if (vm == null) continue;
                if (!vm.Guest.Active)
                {
                    WriteMigrationError(new MigrationException(ErrorIds.VmNotRunning, ErrorKind.InvalidOperation,
                        $"VM '{vm.Guest.Name}' on host '{vm.Host.Name}' is not running: there is no load to measure and a live move does not apply.", vm.Guest.Name), vm.Guest.Name);
                    continue;
                }
                if (located.All(known => known.Guest.Uuid != vm.Guest.Uuid)) located.Add(vm);
            }
        }

        // All VMs of the pipeline are sampled together, over one window, rather than one window each.
        protected override void EndProcessing()
        {
            if (located.Count == 0) return;
            var destinations = Destination.Select(ResolveDestination).ToList();
            var measurer = new MigrationVMMeasurer(Inventory, Clock.System)
            {
                Window = TimeSpan.FromSeconds(SampleSec),
                BandwidthMBps = BandwidthMBps,
                MaxDowntimeMs = MaxDowntimeMs,
            };
            var failures = new List<(string, MigrationException)>();
            var measured = measurer.Measure(located, destinations, Registry.Hosts, (name, error) => failures.Add((name, error)), CancellationToken);
            foreach (var (name, error) in failures) WriteMigrationError(error, name);
            foreach (var measurement in measured) WriteObject(measurement);
        }
    }
}
