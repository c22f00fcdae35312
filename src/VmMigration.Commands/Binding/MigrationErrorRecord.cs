using System;
using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>
    /// Engine errors as PowerShell error records: the stable id, a real category and the target. Users match the full id
    /// ('VmNotFound,VmMigration.Commands.MoveVMLiveCommand'), which must be the same from the cmdlet and from its -AsJob job.
    /// </summary>
    internal static class MigrationErrorRecord
    {
        /// <summary>
        /// For WriteError and ThrowTerminatingError: PowerShell appends ',' and the cmdlet's type to the id itself when the
        /// cmdlet writes the record (and would append it twice to an id that already has it).
        /// </summary>
        public static ErrorRecord ForCmdlet(MigrationException error, object? target) => Create(error, error.ErrorId, target);

        /// <summary>
        /// For a job's Error stream, which no cmdlet writes and Receive-Job passes on as it is: the id carries the suffix
        /// that <paramref name="commandType"/> would have given it.
        /// </summary>
        public static ErrorRecord ForJob(MigrationException error, object? target, Type commandType) => Create(error, FullErrorId(error.ErrorId, commandType), target);

        /// <summary>The id as PowerShell qualifies it for a cmdlet: 'Id,Namespace.CmdletType'.</summary>
        public static string FullErrorId(string errorId, Type commandType) => $"{errorId},{commandType.FullName}";

        private static ErrorRecord Create(MigrationException error, string errorId, object? target) =>
            new ErrorRecord(error, errorId, ToCategory(error.Kind), target ?? error.Target);

        private static ErrorCategory ToCategory(ErrorKind kind)
        {
            switch (kind)
            {
                case ErrorKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case ErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case ErrorKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case ErrorKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case ErrorKind.ResourceBusy: return ErrorCategory.ResourceBusy;
                case ErrorKind.ConnectionError: return ErrorCategory.ConnectionError;
                case ErrorKind.OperationStopped: return ErrorCategory.OperationStopped;
                case ErrorKind.OperationTimeout: return ErrorCategory.OperationTimeout;
                case ErrorKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case ErrorKind.NotInstalled: return ErrorCategory.NotInstalled;
                case ErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case ErrorKind.LimitsExceeded: return ErrorCategory.LimitsExceeded;
                case ErrorKind.ResourceExists: return ErrorCategory.ResourceExists;
                case ErrorKind.NotImplemented: return ErrorCategory.NotImplemented;
                case ErrorKind.InvalidResult: return ErrorCategory.InvalidResult;
                default: return ErrorCategory.NotSpecified;
            }
        }
    }
}
