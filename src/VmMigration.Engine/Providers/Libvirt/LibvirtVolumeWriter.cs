using System;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>A sparse virStorageVolUpload stream: holes are sent as lengths, so the host skips them instead of writing zeros.</summary>
    internal sealed class LibvirtVolumeWriter : IVolumeWriter
    {
        private readonly StreamHandle stream;
        private readonly string path;
        private readonly Func<string, string, LibvirtException> failure;
        private bool finished;

        public LibvirtVolumeWriter(StreamHandle stream, string path, Func<string, string, LibvirtException> failure)
        {
            this.stream = stream;
            this.path = path;
            this.failure = failure;
        }

        public void Write(byte[] buffer, int count)
        {
            if (count == buffer.Length)
            {
                SendAll(buffer, count);
                return;
            }
            var exact = new byte[count];
            Buffer.BlockCopy(buffer, 0, exact, 0, count);
            SendAll(exact, count);
        }

        private void SendAll(byte[] data, int count)
        {
            // virStreamSend may take fewer bytes than offered on a blocking stream only at its buffer limit; send the rest.
            int offset = 0;
            byte[] remaining = data;
            while (offset < count)
            {
                int sent = LibvirtNative.virStreamSend(stream, remaining, (UIntPtr)(count - offset));
                if (sent < 0) throw failure("write volume", path);
                offset += sent;
                if (offset < count && sent > 0)
                {
                    var rest = new byte[count - offset];
                    Buffer.BlockCopy(data, offset, rest, 0, rest.Length);
                    remaining = rest;
                }
            }
        }

        public void WriteHole(long length)
        {
            if (LibvirtNative.virStreamSendHole(stream, length, 0) < 0) throw failure("skip a hole in volume", path);
        }

        public void Complete()
        {
            if (LibvirtNative.virStreamFinish(stream) < 0) throw failure("finish writing volume", path);
            finished = true;
        }

        public void Dispose()
        {
            if (!finished && !stream.IsClosed && LibvirtNative.virStreamAbort(stream) < 0) LibvirtNative.virResetLastError();
            stream.Dispose();
        }
    }
}
