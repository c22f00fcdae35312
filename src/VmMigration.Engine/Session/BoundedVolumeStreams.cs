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
            private readonly HostCallGate gate;
            private readonly string path;

            public Reader(IVolumeReader inner, HostCallGate gate, string path)
            {
                this.inner = inner;
                this.gate = gate;
                this.path = path;
            }

            public VolumeChunk Read(byte[] buffer) =>
                gate.Run($"the download of the volume '{path}'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => inner.Read(buffer));

            public void Complete() =>
                gate.Run($"the end of the download of the volume '{path}'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { inner.Complete(); return true; });

            public void Dispose() => Abort(gate, $"the end of the download of the volume '{path}'", inner);
        }

        public sealed class Writer : IVolumeWriter
        {
            private readonly IVolumeWriter inner;
            private readonly HostCallGate gate;
            private readonly string path;

            public Writer(IVolumeWriter inner, HostCallGate gate, string path)
            {
                this.inner = inner;
                this.gate = gate;
                this.path = path;
            }

            public void Write(byte[] buffer, int count) =>
                gate.Run($"the upload into the volume '{path}'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { inner.Write(buffer, count); return true; });

            public void WriteHole(long length) =>
                gate.Run($"the upload into the volume '{path}'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { inner.WriteHole(length); return true; });

            public void Complete() =>
                gate.Run($"the end of the upload into the volume '{path}'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () => { inner.Complete(); return true; });

            public void Dispose() => Abort(gate, $"the end of the upload into the volume '{path}'", inner);
        }

        /// <summary>Disposing runs while a failure unwinds: it must not replace that failure, so a host that does not answer is left to the gate.</summary>
        private static void Abort(HostCallGate gate, string what, IDisposable stream)
        {
            try
            {
                gate.Run(what, HostCallKind.Cleanup, TimeSpan.Zero, CancellationToken.None, () => { stream.Dispose(); return true; });
            }
            catch (MigrationException)
            {
            }
        }
    }
}
