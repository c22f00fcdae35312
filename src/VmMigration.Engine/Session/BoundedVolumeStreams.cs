using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// Volume streams under the same bounds as the connection that opened them: each chunk read or written within the call
    /// limit (a chunk is at most 256 KiB, so a host that takes longer does not answer), and the abort of a stream left
    /// unfinished a Cleanup, queued when the host has not answered.
    /// </summary>
    public static class BoundedVolumeStreams
    {
        public sealed class Reader : IVolumeReader
        {
            private readonly IVolumeReader inner;
            private readonly StreamCalls calls;

            public Reader(IVolumeReader inner, HostCallGate gate, string path)
            {
                this.inner = inner;
                calls = new StreamCalls(gate, $"the download of the volume '{path}'");
            }

            public VolumeChunk Read(byte[] buffer) => calls.Transfer(() => inner.Read(buffer));

            public void Complete() => calls.End(inner.Complete);

            public void Dispose() => calls.Abort(inner);
        }

        public sealed class Writer : IVolumeWriter
        {
            private readonly IVolumeWriter inner;
            private readonly StreamCalls calls;

            public Writer(IVolumeWriter inner, HostCallGate gate, string path)
            {
                this.inner = inner;
                calls = new StreamCalls(gate, $"the upload into the volume '{path}'");
            }

            public void Write(byte[] buffer, int count) => calls.Transfer(() => inner.Write(buffer, count));

            public void WriteHole(long length) => calls.Transfer(() => inner.WriteHole(length));

            public void Complete() => calls.End(inner.Complete);

            public void Dispose() => calls.Abort(inner);
        }

        /// <summary>The gate's calls for one stream, named "&lt;transfer&gt;" and "the end of &lt;transfer&gt;" in what a host that does not answer says.</summary>
        private sealed class StreamCalls
        {
            private readonly HostCallGate gate;
            private readonly string transfer;
            private readonly string end;

            public StreamCalls(HostCallGate gate, string transfer)
            {
                this.gate = gate;
                this.transfer = transfer;
                end = "the end of " + transfer;
            }

            public T Transfer<T>(Func<T> call) => gate.Run(transfer, HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, call);

            public void Transfer(Action call) => Transfer(() => { call(); return true; });

            public void End(Action complete) => gate.Run(end, HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { complete(); return true; });

            /// <summary>Disposing runs while a failure unwinds: it must not replace that failure, so a host that does not answer is left to the gate.</summary>
            public void Abort(IDisposable stream)
            {
                try
                {
                    gate.Run(end, HostCallKind.Cleanup, TimeSpan.Zero, CancellationToken.None, () => { stream.Dispose(); return true; });
                }
                catch (MigrationException)
                {
                }
            }
        }
    }
}
