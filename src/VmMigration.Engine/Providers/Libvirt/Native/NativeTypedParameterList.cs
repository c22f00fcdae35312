using System;
using System.Collections.Generic;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>
    /// A virTypedParameter array built with libvirt's own virTypedParamsAdd* (so libvirt owns the allocation rules)
    /// and released with virTypedParamsFree.
    /// </summary>
    internal sealed class NativeTypedParameterList : IDisposable
    {
        private IntPtr parameters;
        private int count;
        private int capacity;

        public IntPtr Pointer => parameters;
        public int Count => count;

        public static NativeTypedParameterList From(IEnumerable<KeyValuePair<string, object>> values)
        {
            LibvirtLibrary.EnsureInitialized();
            var list = new NativeTypedParameterList();
            try
            {
                foreach (var pair in values) list.Add(pair.Key, pair.Value);
                return list;
            }
            catch
            {
                list.Dispose();
                throw;
            }
        }

        public void Add(string name, object value)
        {
            int result;
            switch (value)
            {
                case int i: result = LibvirtNative.virTypedParamsAddInt(ref parameters, ref count, ref capacity, name, i); break;
                case long l when l >= 0: result = LibvirtNative.virTypedParamsAddULLong(ref parameters, ref count, ref capacity, name, (ulong)l); break;
                case ulong ul: result = LibvirtNative.virTypedParamsAddULLong(ref parameters, ref count, ref capacity, name, ul); break;
                case string s: result = LibvirtNative.virTypedParamsAddString(ref parameters, ref count, ref capacity, name, s); break;
                default: throw new ArgumentException($"Typed parameter '{name}' has a value of unsupported type {value?.GetType().Name ?? "null"}.", nameof(value));
            }
            if (result < 0)
                throw LibvirtErrorMapper.FromLastError(LibvirtOperationContext.Host, "add the migration parameter", name, "", where: "");
        }

        public void Dispose()
        {
            if (parameters != IntPtr.Zero) LibvirtNative.virTypedParamsFree(parameters, count);
            parameters = IntPtr.Zero;
            count = 0;
            capacity = 0;
        }
    }
}
