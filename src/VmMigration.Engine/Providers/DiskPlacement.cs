namespace VmMigration.Providers
{
    /// <summary>Where one disk of a guest goes in a storage move: its target device, the new file and the format it is written in.</summary>
    public sealed class DiskPlacement
    {
        public DiskPlacement(string target, string path, string format)
        {
            Target = target;
            Path = path;
            Format = format;
        }

        public string Target { get; }
        public string Path { get; }
        public string Format { get; }
    }
}
