using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace VmMigration.Commands
{
    /// <summary>
    /// Runs engine work on a worker thread while the pipeline thread drains what it reports: Write* may only be called
    /// on the pipeline thread, so workers queue and this pump writes (see STYLE.md, PSResourceGet's InstallHelper).
    /// </summary>
    internal sealed class PipelinePump
    {
        private readonly BlockingCollection<Action<PSCmdlet>> queue = new BlockingCollection<Action<PSCmdlet>>();

        /// <summary>Queues something to be written on the pipeline thread (callable from any thread).</summary>
        public void Post(Action<PSCmdlet> write)
        {
            if (!queue.IsAddingCompleted)
            {
                try
                {
                    queue.Add(write);
                }
                catch (InvalidOperationException)
                {
                    // The pump finished while a late report arrived; it is no longer wanted.
                }
            }
        }

        /// <summary>
        /// Runs <paramref name="work"/> on a worker thread and writes its reports until it ends; returns its result.
        /// If writing fails (an error turned terminating by -ErrorAction Stop, a closed pipeline), the work is cancelled
        /// and awaited before the failure goes on, so nothing keeps running behind the caller's back.
        /// </summary>
        public T Run<T>(PSCmdlet cmdlet, CancellationToken cancellationToken, Func<CancellationToken, T> work)
        {
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var task = VmMigration.Session.DedicatedThread.Start(() => work(linked.Token));
                task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
                try
                {
                    foreach (var write in queue.GetConsumingEnumerable())
                    {
                        write(cmdlet);
                    }
                }
                catch
                {
                    linked.Cancel();
                    try
                    {
                        task.Wait();
                    }
                    catch (AggregateException)
                    {
                        // The work's own failure matters less than the one already under way.
                    }
                    throw;
                }
                return task.GetAwaiter().GetResult();
            }
        }
    }
}
