using System;
using System.Threading;
using System.Threading.Tasks;

namespace VmMigration.Session
{
    /// <summary>
    /// Starts blocking work (a libvirt call, a whole migration) on a thread of its own rather than the thread pool.
    /// Those calls block for seconds to minutes; on pool threads, with callers also waiting on pool threads, a busy
    /// process starves the pool and calls wrongly time out. Each such task gets its own thread instead.
    /// </summary>
    public static class DedicatedThread
    {
        public static Task<T> Start<T>(Func<T> work) =>
            Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        public static Task Start(Action work) =>
            Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
