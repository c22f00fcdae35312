using System.Collections.Generic;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>A Hyper-V job that ended without completing, with the errors the host gave for it (one reason each).</summary>
    public sealed class HyperVJobFailure : MigrationException
    {
        public HyperVJobFailure(string errorId, ErrorKind kind, string message, string subject, IReadOnlyList<MsvmError> errors)
            : base(errorId, kind, message, subject)
        {
            Errors = errors;
        }

        public IReadOnlyList<MsvmError> Errors { get; }
    }
}
