using System;
using System.Management.Automation;
using VmMigration.Errors;
using VmMigration.Lab;

namespace VmMigration.Commands
{
    /// <summary>Checks that a lab guest's memory pattern is intact and still advancing (read through the hypervisor).</summary>
    [Cmdlet(VerbsDiagnostic.Test, "MigrationLabVM")]
    [OutputType(typeof(LabVMCheck))]
    public sealed class TestMigrationLabVMCommand : VmMigrationCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("VMName", "Name")]
        [ArgumentCompleter(typeof(VMNameCompleter))]
        public VmReference[] VM { get; set; } = Array.Empty<VmReference>();

        /// <summary>Time between the two reads that show the pattern advancing.</summary>
        [Parameter]
        [ValidateRange(100, 60000)]
        public int IntervalMs { get; set; } = 500;

        protected override void ProcessRecord()
        {
            foreach (var reference in VM)
            {
                var located = LocateOrReport(reference);
                if (located == null)
                {
                    continue;
                }
                try
                {
                    WriteObject(LabGuestInspector.Inspect(located, TimeSpan.FromMilliseconds(IntervalMs), CancellationToken));
                }
                catch (MigrationException error)
                {
                    WriteMigrationError(error, reference.DisplayName);
                }
            }
        }
    }
}
