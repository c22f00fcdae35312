using System;
using System.Runtime.InteropServices;
using System.Text;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>UTF-8 C strings to and from libvirt (netstandard2.0 has no Marshal.PtrToStringUTF8).</summary>
    internal static class NativeStrings
    {
        public static string? Read(IntPtr utf8)
        {
            if (utf8 == IntPtr.Zero) return null;
            int length = 0;
            while (Marshal.ReadByte(utf8, length) != 0) length++;
            var bytes = new byte[length];
            Marshal.Copy(utf8, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>Reads a string libvirt allocated for the caller, then frees it.</summary>
        public static string? ReadAndFree(IntPtr utf8)
        {
            try { return Read(utf8); }
            finally { FreeLibvirtAllocation(utf8); }
        }

        /// <summary>A malloc'd copy, for fields libvirt later frees itself (credential results).</summary>
        public static IntPtr AllocateForLibvirt(string value, out int byteLength)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            byteLength = bytes.Length;
            var buffer = Marshal.AllocHGlobal(bytes.Length + 1);
            Marshal.Copy(bytes, 0, buffer, bytes.Length);
            Marshal.WriteByte(buffer, bytes.Length, 0);
            return buffer;
        }

        /// <summary>
        /// libvirt allocates results with malloc and expects free(); on Unix, Marshal's HGlobal functions are malloc/free.
        /// </summary>
        public static void FreeLibvirtAllocation(IntPtr pointer)
        {
            if (pointer != IntPtr.Zero) Marshal.FreeHGlobal(pointer);
        }

        public static string FromUuidBuffer(byte[] buffer)
        {
            int length = Array.IndexOf(buffer, (byte)0);
            return Encoding.ASCII.GetString(buffer, 0, length < 0 ? buffer.Length : length);
        }
    }
}
