using System;

namespace VmMigration.Execution.Evacuation
{
    /// <summary>The result for a VM that did not move: nothing to do, or refused before anything started, with why.</summary>
    public static class UnmovedResult
    {
        public static MigrationResult Create(string vmName, string source, string destination, string runningOn, MigrationStatus status, string? errorId, string message) => new MigrationResult
        {
            VMName = vmName,
            Source = source,
            Destination = destination,
            RunningOn = runningOn,
            Status = status,
            Phase = MigrationPhase.Prepare,
            StartTime = DateTime.UtcNow,
            EndTime = DateTime.UtcNow,
            ErrorId = errorId,
            Message = message,
        };
    }
}
