using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>Lays out a virTypedParameter array in unmanaged memory by hand, the way libvirt hands one to us.</summary>
    internal sealed class TypedParameterArrayBuilder : IDisposable
    {
        private readonly List<(string Name, int Type, Action<IntPtr> WriteValue)> entries = new List<(string, int, Action<IntPtr>)>();
        private readonly List<IntPtr> allocations = new List<IntPtr>();

        public IntPtr Pointer { get; private set; }
        public int Count => entries.Count;

        public TypedParameterArrayBuilder Int(string name, int value) => Add(name, LibvirtConstants.TypedParamInt, p => Marshal.WriteInt32(p, value));
        public TypedParameterArrayBuilder UInt(string name, uint value) => Add(name, LibvirtConstants.TypedParamUInt, p => Marshal.WriteInt32(p, unchecked((int)value)));
        public TypedParameterArrayBuilder LLong(string name, long value) => Add(name, LibvirtConstants.TypedParamLLong, p => Marshal.WriteInt64(p, value));
        public TypedParameterArrayBuilder ULLong(string name, ulong value) => Add(name, LibvirtConstants.TypedParamULLong, p => Marshal.WriteInt64(p, unchecked((long)value)));
        public TypedParameterArrayBuilder Double(string name, double value) => Add(name, LibvirtConstants.TypedParamDouble, p => Marshal.WriteInt64(p, BitConverter.DoubleToInt64Bits(value)));
        public TypedParameterArrayBuilder Boolean(string name, bool value) => Add(name, LibvirtConstants.TypedParamBoolean, p => Marshal.WriteByte(p, value ? (byte)1 : (byte)0));
        public TypedParameterArrayBuilder Raw(string name, int type, long bits) => Add(name, type, p => Marshal.WriteInt64(p, bits));

        public TypedParameterArrayBuilder String(string name, string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value + "\0");
            var text = Marshal.AllocHGlobal(bytes.Length);
            Marshal.Copy(bytes, 0, text, bytes.Length);
            allocations.Add(text);
            return Add(name, LibvirtConstants.TypedParamString, p => Marshal.WriteIntPtr(p, text));
        }

        private TypedParameterArrayBuilder Add(string name, int type, Action<IntPtr> writeValue)
        {
            entries.Add((name, type, writeValue));
            return this;
        }

        public TypedParameterArrayBuilder Build()
        {
            Pointer = Marshal.AllocHGlobal(TypedParameterLayout.Size * Math.Max(1, entries.Count));
            allocations.Add(Pointer);
            for (int index = 0; index < entries.Count; index++)
            {
                var parameter = Pointer + index * TypedParameterLayout.Size;
                // Garbage in the padding, as real memory would have: the reader must not depend on zeroed bytes.
                for (int offset = 0; offset < TypedParameterLayout.Size; offset++) Marshal.WriteByte(parameter, offset, 0xCD);
                var name = Encoding.UTF8.GetBytes(entries[index].Name);
                Marshal.Copy(name, 0, parameter, name.Length);
                Marshal.WriteByte(parameter, name.Length, 0);
                Marshal.WriteInt32(parameter, TypedParameterLayout.TypeOffset, entries[index].Type);
                entries[index].WriteValue(parameter + TypedParameterLayout.ValueOffset);
            }
            return this;
        }

        public void Dispose()
        {
            foreach (var allocation in allocations) Marshal.FreeHGlobal(allocation);
            allocations.Clear();
        }
    }
}
