using System;
using VmMigration.Errors;

namespace VmMigration.Execution.Phases
{
    /// <summary>
    /// Thrown by a phase that ends its job on purpose (a stalled move it aborted, a job someone else cancelled): the
    /// outcome is Aborted and <see cref="JobOutcome{TPhase}.Stopped"/>, with <see cref="Reason"/> as its failure.
    /// </summary>
    public sealed class JobStopped : Exception
    {
        public JobStopped(MigrationException reason)
            : base(reason.Message, reason)
        {
            Reason = reason;
        }

        public MigrationException Reason { get; }
    }
}
