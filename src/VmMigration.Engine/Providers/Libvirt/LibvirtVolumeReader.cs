using System;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>A sparse virStorageVolDownload stream: data chunks, and holes as lengths (VIR_STREAM_RECV_STOP_AT_HOLE).</summary>
    internal sealed class LibvirtVolumeReader : IVolumeReader
    {
        private readonly StreamHandle stream;
        private readonly string path;
        private readonly Func<string, string, LibvirtException> failure;
        private bool finished;

        public LibvirtVolumeReader(StreamHandle stream, string path, Func<string, string, LibvirtException> failure)
        {
            this.stream = stream;
            this.path = path;
            this.failure = failure;
        }

        public VolumeChunk Read(byte[] buffer)
        {
            int received = LibvirtNative.virStreamRecvFlags(stream, buffer, (UIntPtr)buffer.Length, LibvirtConstants.StreamRecvStopAtHole);
            if (received > 0) return new VolumeChunk(VolumeChunkKind.Data, received);
            if (received == 0) return VolumeChunk.EndOfVolume;
            if (received == LibvirtConstants.StreamRecvAtHole)
            {
                if (LibvirtNative.virStreamRecvHole(stream, out long hole, 0) < 0) throw failure("read a hole of volume", path);
                return new VolumeChunk(VolumeChunkKind.Hole, hole);
            }
            throw failure("read volume", path);
        }

        public void Complete()
        {
            if (LibvirtNative.virStreamFinish(stream) < 0) throw failure("finish reading volume", path);
            finished = true;
        }

        public void Dispose()
        {
            if (!finished && !stream.IsClosed && LibvirtNative.virStreamAbort(stream) < 0) LibvirtNative.virResetLastError();
            stream.Dispose();
        }
    }
}
