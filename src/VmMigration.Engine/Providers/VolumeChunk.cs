namespace VmMigration.Providers
{
    public enum VolumeChunkKind
    {
        Data,
        /// <summary>A run of zeros that the source does not store; the writer skips it rather than writing zeros.</summary>
        Hole,
        End,
    }

    /// <summary>One step of a volume read: bytes placed in the caller's buffer, a hole of a length, or the end.</summary>
    public readonly struct VolumeChunk
    {
        public VolumeChunk(VolumeChunkKind kind, long length)
        {
            Kind = kind;
            Length = length;
        }

        public VolumeChunkKind Kind { get; }
        public long Length { get; }

        public static VolumeChunk EndOfVolume => new VolumeChunk(VolumeChunkKind.End, 0);
    }
}
