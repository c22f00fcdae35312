using System.Collections.Generic;

namespace VmMigration.Lab
{
    /// <summary>The comparison of two snapshots of a lab guest taken a moment apart.</summary>
    public sealed class LabGuestVerdict
    {
        public LabGuestVerdict(bool isIntact, bool isAdvancing, IReadOnlyList<string> problems, string message)
        {
            IsIntact = isIntact;
            IsAdvancing = isAdvancing;
            Problems = problems;
            Message = message;
        }

        /// <summary>Both snapshots found the header and every page's record valid and of an expected pass.</summary>
        public bool IsIntact { get; }

        /// <summary>The heartbeat advanced and, when the guest writes at a rate, so did its page writes.</summary>
        public bool IsAdvancing { get; }

        public bool IsIntactAndAdvancing => IsIntact && IsAdvancing;

        /// <summary>Each thing found wrong, one sentence each; empty when intact and advancing.</summary>
        public IReadOnlyList<string> Problems { get; }

        /// <summary>"intact and advancing: ..." or the problems joined.</summary>
        public string Message { get; }
    }
}
