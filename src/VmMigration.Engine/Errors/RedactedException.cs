using System;

namespace VmMigration.Errors
{
    /// <summary>
    /// An error that is not the engine's own and whose message named a secret, as it may be shown: the message with the
    /// secret masked, and the type of the error it stands for. Its stack trace is where it was redacted, not where it arose.
    /// </summary>
    public sealed class RedactedException : Exception
    {
        internal RedactedException(Exception original, string message, Exception? inner) : base(message, inner)
        {
            OriginalType = original.GetType().FullName ?? original.GetType().Name;
        }

        /// <summary>The type of the error this one replaces, e.g. System.IO.IOException.</summary>
        public string OriginalType { get; }
    }
}
