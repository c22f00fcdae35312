using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>The non-terminating error that accompanies a VM's failed result, with the result's stable id.</summary>
    internal static class ResultErrors
    {
        /// <summary>The error to report with a result; null when its status is not a failure (see <see cref="MigrationStatusExtensions.IsFailure"/>).</summary>
        public static MigrationException? For(MigrationResult result) => !result.Status.IsFailure() ? null : new MigrationException(
            result.ErrorId ?? ErrorIds.MigrationFailed,
            result.Status == MigrationStatus.Aborted ? ErrorKind.OperationStopped : ErrorKind.InvalidOperation,
            result.Message ?? $"Migration of VM '{result.VMName}' {result.Status}.",
            result.VMName);
    }
}
