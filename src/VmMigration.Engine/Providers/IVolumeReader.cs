using System;

namespace VmMigration.Providers
{
    /// <summary>
    /// A volume's bytes as the host streams them (sparse: holes come as lengths, not zeros).
    /// Disposing before <see cref="Complete"/> aborts the stream.
    /// </summary>
    public interface IVolumeReader : IDisposable
    {
        /// <summary>Fills <paramref name="buffer"/> with data, or reports a hole or the end.</summary>
        VolumeChunk Read(byte[] buffer);

        /// <summary>Confirms the whole volume arrived (the host reports a failed read here).</summary>
        void Complete();
    }
}
