using System;
using System.Collections.Generic;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>
    /// A managed copy of a virTypedParameter array: name to value (int, uint, long, ulong, double, bool or string).
    /// Keeps the first value of a name, as libvirt's own virTypedParamsGet* do.
    /// </summary>
    internal sealed class TypedParameterSet
    {
        private readonly Dictionary<string, object> values = new Dictionary<string, object>(StringComparer.Ordinal);

        public int Count => values.Count;

        public IEnumerable<string> Names => values.Keys;

        public void Add(string name, object value)
        {
            if (!values.ContainsKey(name)) values.Add(name, value);
        }

        public bool TryGetValue(string name, out object value) => values.TryGetValue(name, out value!);

        /// <summary>Any numeric value as a long (unsigned values above long.MaxValue saturate); false when absent or not a number.</summary>
        public bool TryGetInt64(string name, out long result)
        {
            result = 0;
            if (!values.TryGetValue(name, out var value)) return false;
            switch (value)
            {
                case int i: result = i; return true;
                case uint ui: result = ui; return true;
                case long l: result = l; return true;
                case ulong ul: result = ul > long.MaxValue ? long.MaxValue : (long)ul; return true;
                case double d: result = (long)d; return true;
                case bool b: result = b ? 1 : 0; return true;
                default: return false;
            }
        }

        public long GetInt64OrDefault(string name, long fallback = 0) => TryGetInt64(name, out var v) ? v : fallback;

        public double? GetDouble(string name)
        {
            if (!values.TryGetValue(name, out var value)) return null;
            if (value is double d) return d;
            return TryGetInt64(name, out var l) ? l : (double?)null;
        }

        public string? GetString(string name) => values.TryGetValue(name, out var value) ? value as string : null;
    }
}
