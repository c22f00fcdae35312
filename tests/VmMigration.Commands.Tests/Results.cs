using VmMigration.Errors;

namespace VmMigration.Commands.Tests
{
    /// <summary>Migration results as the engine returns them, for tests of what the cmdlet layer makes of them.</summary>
    internal static class Results
    {
        public static MigrationResult Of(string vm, MigrationStatus status, string? errorId = null) => new MigrationResult
        {
            VMName = vm,
            Source = "lab1",
            Destination = "lab2",
            Status = status,
            RunningOn = status == MigrationStatus.Succeeded ? "lab2" : "lab1",
            ErrorId = errorId,
            Message = errorId == null ? null : $"{vm}: {errorId}",
        };

        /// <summary>What a storage move returns when the disks are already in the pool: nothing to do.</summary>
        public static MigrationResult NothingToMove(string vm) => new MigrationResult
        {
            VMName = vm,
            Source = "lab1",
            Destination = "lab1",
            Status = MigrationStatus.Skipped,
            RunningOn = "lab1",
            Message = $"The disks of VM '{vm}' are already in storage pool 'lab'.",
        };

        public static MigrationResult Failed(string vm) => Of(vm, MigrationStatus.Failed, ErrorIds.LibvirtError);
    }
}
