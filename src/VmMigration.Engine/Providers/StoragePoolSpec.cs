namespace VmMigration.Providers
{
    /// <summary>A storage pool to set up: a directory of the host whose files are the pool's volumes.</summary>
    public sealed class StoragePoolSpec
    {
        public StoragePoolSpec(string name, string directory)
        {
            Name = name;
            Directory = directory;
        }

        public string Name { get; }

        /// <summary>The directory on the host that holds the volumes (made when it does not exist).</summary>
        public string Directory { get; }
    }
}
