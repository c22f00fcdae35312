using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>The non-terminating error that accompanies a VM's failed result, with the result's stable id.</summary>
    internal static class EvacuationErrors
    {
        public static ErrorRecord ForResult(MigrationResult result) => VmMigrationCmdlet.ToErrorRecord(new MigrationException(
            result.ErrorId ?? ErrorIds.MigrationFailed,
            result.Status == MigrationStatus.Aborted ? ErrorKind.OperationStopped : ErrorKind.InvalidOperation,
            result.Message ?? $"Migration of VM '{result.VMName}' {result.Status}.",
            result.VMName), result.VMName);
    }
}
