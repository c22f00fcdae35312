using System;
using System.Runtime.InteropServices;
using System.Text;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>Copies a virTypedParameter array that libvirt returned (or lent to a callback) into a <see cref="TypedParameterSet"/>.</summary>
    internal static class TypedParameterReader
    {
        public static TypedParameterSet Read(IntPtr firstParameter, int count)
        {
            var set = new TypedParameterSet();
            if (firstParameter == IntPtr.Zero) return set;
            for (int index = 0; index < count; index++)
            {
                var parameter = firstParameter + index * TypedParameterLayout.Size;
                var name = ReadFieldName(parameter);
                var value = ReadValue(parameter);
                if (value != null) set.Add(name, value);
            }
            return set;
        }

        private static string ReadFieldName(IntPtr parameter)
        {
            var bytes = new byte[TypedParameterLayout.FieldLength];
            Marshal.Copy(parameter, bytes, 0, bytes.Length);
            int length = Array.IndexOf(bytes, (byte)0);
            return Encoding.UTF8.GetString(bytes, 0, length < 0 ? bytes.Length : length);
        }

        /// <summary>Null for a type this libvirt version added after ours, so newer daemons never break the reader.</summary>
        private static object? ReadValue(IntPtr parameter)
        {
            int type = Marshal.ReadInt32(parameter, TypedParameterLayout.TypeOffset);
            var value = parameter + TypedParameterLayout.ValueOffset;
            switch (type)
            {
                case LibvirtConstants.TypedParamInt: return Marshal.ReadInt32(value);
                case LibvirtConstants.TypedParamUInt: return unchecked((uint)Marshal.ReadInt32(value));
                case LibvirtConstants.TypedParamLLong: return Marshal.ReadInt64(value);
                case LibvirtConstants.TypedParamULLong: return unchecked((ulong)Marshal.ReadInt64(value));
                case LibvirtConstants.TypedParamDouble: return BitConverter.Int64BitsToDouble(Marshal.ReadInt64(value));
                case LibvirtConstants.TypedParamBoolean: return Marshal.ReadByte(value) != 0;
                case LibvirtConstants.TypedParamString: return NativeStrings.Read(Marshal.ReadIntPtr(value)) ?? "";
                default: return null;
            }
        }
    }
}
