using System;
using System.Collections.Generic;
using VmMigration.Errors;

namespace VmMigration.Providers
{
    /// <summary>
    /// The answer of a CPU comparison: compatible, not, or not comparable (null), and why. A hypervisor that checks the whole
    /// VM against the host (Hyper-V's compatibility check) gives its reasons one by one in <see cref="Reasons"/>, each with its
    /// stable id; then Test-VMMigration shows each of them instead of one CpuIncompatible.
    /// </summary>
    public sealed class CpuCompatibility
    {
        public CpuCompatibility(bool? compatible, string detail)
        {
            Compatible = compatible;
            Detail = detail;
            Reasons = Array.Empty<MigrationException>();
        }

        /// <summary>Not compatible, for each of <paramref name="reasons"/> (at least one).</summary>
        public CpuCompatibility(IReadOnlyList<MigrationException> reasons)
        {
            if (reasons.Count == 0) throw new ArgumentException("An incompatibility needs a reason.", nameof(reasons));
            Compatible = false;
            Detail = string.Join(" ", System.Linq.Enumerable.Select(reasons, r => r.Message));
            Reasons = reasons;
        }

        public bool? Compatible { get; }
        public string Detail { get; }

        /// <summary>The hypervisor's own reasons, each a failure with its id; empty when <see cref="Detail"/> says it all.</summary>
        public IReadOnlyList<MigrationException> Reasons { get; }
    }
}
