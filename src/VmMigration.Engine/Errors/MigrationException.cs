using System;
using System.Collections.Generic;

namespace VmMigration.Errors
{
    /// <summary>
    /// Every failure the engine reports: a stable id (see <see cref="ErrorIds"/>), a category the cmdlets map to
    /// PowerShell's ErrorCategory, the object it concerns, and a message that says what happened and what to do.
    /// </summary>
    public class MigrationException : Exception
    {
        public MigrationException(string errorId, ErrorKind kind, string message, string? target = null, Exception? inner = null,
            bool saysWhereVmRuns = false)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
            SaysWhereVmRuns = saysWhereVmRuns;
        }

        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        public string? Target { get; }

        /// <summary>
        /// The message already says where the VM runs (e.g. "the VM keeps running on 'a'"), so a result made from this
        /// failure does not say it a second time. Set by whoever writes such a message; never guessed from its text.
        /// </summary>
        public bool SaysWhereVmRuns { get; }

        /// <summary>The same failure told with more words: same id, kind, target and <see cref="SaysWhereVmRuns"/>, with this one inside.</summary>
        public MigrationException Retold(string message) => new MigrationException(ErrorId, Kind, message, Target, this, SaysWhereVmRuns);

        /// <summary>Every text this error shows besides its inner error's (see <see cref="Session.SecretRedaction"/>).</summary>
        internal virtual IEnumerable<string?> Texts => new[] { Message, Target };

        /// <summary>The same error with each of its <see cref="Texts"/> passed through <paramref name="redact"/> and another inner error.</summary>
        internal virtual MigrationException Redacted(Func<string, string> redact, Exception? inner) =>
            new MigrationException(ErrorId, Kind, redact(Message), Target == null ? null : redact(Target), inner, SaysWhereVmRuns);
    }

    /// <summary>Mirrors the PowerShell ErrorCategory values the module uses, without a PowerShell dependency.</summary>
    public enum ErrorKind
    {
        NotSpecified,
        ObjectNotFound,
        InvalidArgument,
        InvalidOperation,
        ResourceUnavailable,
        ResourceBusy,
        ConnectionError,
        OperationStopped,
        OperationTimeout,
        PermissionDenied,
        NotInstalled,
        InvalidData,
        LimitsExceeded,
        ResourceExists,
        NotImplemented,
        InvalidResult,
    }
}
