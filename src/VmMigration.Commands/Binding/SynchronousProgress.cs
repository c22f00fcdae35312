using System;

namespace VmMigration.Commands
{
    /// <summary>An IProgress that calls its handler on the reporting thread (System.Progress would post to a thread pool).</summary>
    internal sealed class SynchronousProgress<T> : IProgress<T>
    {
        private readonly Action<T> handler;

        public SynchronousProgress(Action<T> handler)
        {
            this.handler = handler;
        }

        public void Report(T value) => handler(value);
    }
}
