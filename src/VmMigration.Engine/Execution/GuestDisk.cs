namespace VmMigration.Execution
{
    /// <summary>A file-backed disk of a domain definition: its target device, its file and the format QEMU opens it with.</summary>
    public sealed class GuestDisk
    {
        public GuestDisk(string target, string path, string format, bool readOnly)
        {
            Target = target;
            Path = path;
            Format = format;
            ReadOnly = readOnly;
        }

        public string Target { get; }
        public string Path { get; }
        public string Format { get; }
        public bool ReadOnly { get; }
    }
}
