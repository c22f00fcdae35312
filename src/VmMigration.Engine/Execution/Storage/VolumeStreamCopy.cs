using System;
using System.Threading;
using VmMigration.Providers;

namespace VmMigration.Execution.Storage
{
    /// <summary>Pumps one host's volume stream into another's, passing holes on as holes so sparse disks stay sparse.</summary>
    public static class VolumeStreamCopy
    {
        /// <summary>libvirt's RPC carries at most 256 KiB of stream data a message; a larger buffer only costs memory.</summary>
        internal const int BufferBytes = 256 * 1024;

        /// <returns>the bytes of data copied (holes excluded)</returns>
        public static long Copy(IVolumeReader reader, IVolumeWriter writer, CancellationToken cancellationToken, Action<long>? copied = null)
        {
            var buffer = new byte[BufferBytes];
            long dataBytes = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = reader.Read(buffer);
                switch (chunk.Kind)
                {
                    case VolumeChunkKind.End:
                        reader.Complete();
                        writer.Complete();
                        return dataBytes;
                    case VolumeChunkKind.Hole:
                        writer.WriteHole(chunk.Length);
                        break;
                    default:
                        writer.Write(buffer, (int)chunk.Length);
                        dataBytes += chunk.Length;
                        copied?.Invoke(dataBytes);
                        break;
                }
            }
        }
    }
}
