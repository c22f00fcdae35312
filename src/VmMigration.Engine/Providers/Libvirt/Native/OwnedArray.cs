using System;
using System.Runtime.InteropServices;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>The arrays of object pointers that libvirt's virConnectListAll* calls hand over to the caller.</summary>
    internal static class OwnedArray
    {
        /// <summary>
        /// Takes ownership of each of the <paramref name="count"/> pointers of <paramref name="array"/> (wrapped by
        /// <paramref name="own"/>, a handle's constructor) before anything can throw, so none leaks, and frees the array.
        /// </summary>
        public static T[] Take<T>(IntPtr array, int count, Func<IntPtr, T> own)
        {
            var handles = new T[count];
            try
            {
                for (int index = 0; index < count; index++)
                    handles[index] = own(Marshal.ReadIntPtr(array, index * IntPtr.Size));
            }
            finally
            {
                NativeStrings.FreeLibvirtAllocation(array);
            }
            return handles;
        }
    }
}
