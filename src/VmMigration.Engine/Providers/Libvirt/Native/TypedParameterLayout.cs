namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>
    /// Memory layout of virTypedParameter on 64-bit platforms: char field[80]; int type; then an 8-byte aligned union.
    /// </summary>
    internal static class TypedParameterLayout
    {
        public const int FieldLength = 80;
        public const int TypeOffset = 80;
        public const int ValueOffset = 88;
        public const int Size = 96;
    }
}
