using System;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;

namespace VmMigration.Session
{
    /// <summary>
    /// Runs a call to one host with a time limit so that one silent host never stalls a command that touches many.
    /// A call that overruns is abandoned (its thread finishes or fails on its own; libvirt's keepalive ends it).
    /// </summary>
    public static class TimeLimit
    {
        public static T Run<T>(Func<T> call, TimeSpan limit, string hostName, string what, CancellationToken cancellationToken = default)
        {
            var task = DedicatedThread.Start(call);
            try
            {
                if (!task.Wait((int)Math.Min(int.MaxValue, limit.TotalMilliseconds), cancellationToken))
                {
                    task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                    throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.OperationTimeout,
                        $"Host '{hostName}' did not answer {what} within {limit.TotalSeconds:0.#} s. Check that the host and its libvirtd are up, or disconnect it with Disconnect-MigrationHost.",
                        hostName);
                }
            }
            catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(aggregate.InnerException!).Throw();
            }
            return task.Result;
        }
    }
}
