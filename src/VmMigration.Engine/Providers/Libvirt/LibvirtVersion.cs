namespace VmMigration.Providers.Libvirt
{
    /// <summary>libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.</summary>
    internal static class LibvirtVersion
    {
        public static string Format(ulong encoded) => $"{encoded / 1000000}.{encoded / 1000 % 1000}.{encoded % 1000}";
    }
}
