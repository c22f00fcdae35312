using System;
using System.Collections.Concurrent;
using System.Management.Automation;
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

        /// <summary>Runs <paramref name="work"/> on a worker thread and writes its reports until it ends; returns its result.</summary>
        public T Run<T>(PSCmdlet cmdlet, Func<T> work)
        {
            var task = Task.Run(work);
            task.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            foreach (var write in queue.GetConsumingEnumerable())
            {
                write(cmdlet);
            }
            return task.GetAwaiter().GetResult();
        }
    }
}
