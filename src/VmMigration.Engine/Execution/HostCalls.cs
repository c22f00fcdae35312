using System;
using System.Threading;
using VmMigration.Session;

namespace VmMigration.Execution
{
    /// <summary>
    /// Calls to hosts made by a check that reads many things: each within the call time limit, so a silent host fails the
    /// check instead of stalling it. <see cref="Direct"/> calls straight through, for code already run under a time limit.
    /// </summary>
    public readonly struct HostCalls
    {
        private readonly TimeSpan? limit;
        private readonly CancellationToken cancellationToken;

        public HostCalls(TimeSpan limit, CancellationToken cancellationToken)
        {
            this.limit = limit;
            this.cancellationToken = cancellationToken;
        }

        public static HostCalls Direct => default;

        public T Ask<T>(ConnectedHost host, string what, Func<T> call) =>
            limit is TimeSpan each ? TimeLimit.Run(call, each, host.Name, what, cancellationToken) : call();
    }
}
