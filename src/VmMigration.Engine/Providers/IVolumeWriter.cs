using System;

namespace VmMigration.Providers
{
    /// <summary>Writes a volume's bytes from the start. Disposing before <see cref="Complete"/> aborts the stream.</summary>
    public interface IVolumeWriter : IDisposable
    {
        void Write(byte[] buffer, int count);

        /// <summary>Skips <paramref name="length"/> bytes, which read as zeros, without storing them.</summary>
        void WriteHole(long length);

        /// <summary>Confirms the host stored everything.</summary>
        void Complete();
    }
}
