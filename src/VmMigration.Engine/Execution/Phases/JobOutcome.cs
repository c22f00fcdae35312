using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Execution.Phases
{
    /// <summary>How a <see cref="PhasedJob{TPhase}"/> ended.</summary>
    public enum JobEnd
    {
        /// <summary>Every phase ran and every clean-up succeeded.</summary>
        Finished,

        /// <summary>Every phase ran; something besides them went wrong (see <see cref="JobOutcome{TPhase}.Problems"/>).</summary>
        FinishedWithProblems,

        /// <summary>A phase failed or the job was stopped; the phases after it did not run.</summary>
        Aborted,
    }

    /// <summary>The end of a <see cref="PhasedJob{TPhase}"/>: how, in which phase, why, and what else went wrong.</summary>
    public sealed class JobOutcome<TPhase> where TPhase : struct
    {
        public JobOutcome(JobEnd end, TPhase phase, MigrationException? failure, bool stopped, IReadOnlyList<string> problems)
        {
            End = end;
            Phase = phase;
            Failure = failure;
            Stopped = stopped;
            Problems = problems;
        }

        public JobEnd End { get; }

        /// <summary>The phase the job failed in; the last one it ran when it finished.</summary>
        public TPhase Phase { get; }

        /// <summary>Why it was aborted; null when it finished.</summary>
        public MigrationException? Failure { get; }

        /// <summary>Aborted on purpose: stopped by the user (the token) or by a decision of the job (<see cref="JobStopped"/>).</summary>
        public bool Stopped { get; }

        /// <summary>Everything that went wrong besides the failure, as sentences.</summary>
        public IReadOnlyList<string> Problems { get; }

        public bool Finished => End != JobEnd.Aborted;

        /// <summary>The problems as sentences; null when there were none.</summary>
        public string? ProblemsText => Problems.Count == 0 ? null : string.Join(" ", Problems.Select(Sentence));

        /// <summary>
        /// What a result says: the failure first, then what the job noted (<paramref name="notes"/>), then the problems, then
        /// <paramref name="closing"/> (e.g. where the VM runs); null when there is nothing to say.
        /// </summary>
        public string? Message(string? notes, string? closing = null)
        {
            var parts = new[] { Failure?.Message, notes, ProblemsText, closing }.Where(p => !string.IsNullOrEmpty(p)).ToList();
            return parts.Count == 0 ? null : string.Join(" ", parts);
        }

        private static string Sentence(string text)
        {
            var trimmed = text.Trim();
            var start = char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
            return start.EndsWith(".", System.StringComparison.Ordinal) || start.EndsWith("!", System.StringComparison.Ordinal) || start.EndsWith("?", System.StringComparison.Ordinal) ? start : start + ".";
        }

        /// <summary>The result status a move reports: Succeeded when it finished, Aborted when stopped on purpose, else Failed.</summary>
        public MigrationStatus Status => Finished ? MigrationStatus.Succeeded : Stopped ? MigrationStatus.Aborted : MigrationStatus.Failed;
    }
}
