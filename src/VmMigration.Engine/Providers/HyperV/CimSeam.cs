using System.Collections.Generic;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// A CIM instance as the Hyper-V provider reads and writes it: class name, key path (for method calls and re-reads)
    /// and properties. Keeps MMI types out of everything above <see cref="ICimGateway"/>, so replay tests run anywhere.
    /// </summary>
    public sealed class CimObject
    {
        public CimObject(string className, IDictionary<string, object?>? properties = null, string? path = null)
        {
            ClassName = className;
            Properties = properties ?? new Dictionary<string, object?>();
            Path = path;
        }

        public string ClassName { get; }
        public string? Path { get; }
        public IDictionary<string, object?> Properties { get; }

        public object? this[string name] => Properties.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>A method's return value and out-parameters (e.g. Job, a reference to an Msvm_ConcreteJob).</summary>
    public sealed class CimMethodResult
    {
        public CimMethodResult(uint returnValue, IDictionary<string, object?>? outParameters = null)
        {
            ReturnValue = returnValue;
            OutParameters = outParameters ?? new Dictionary<string, object?>();
        }

        public uint ReturnValue { get; }
        public IDictionary<string, object?> OutParameters { get; }
    }

    /// <summary>The CIM namespaces the provider reads: Hyper-V's own, and the operating system's for the host's size.</summary>
    public static class CimNamespaces
    {
        public const string Virtualization = "root/virtualization/v2";
        public const string OperatingSystem = "root/cimv2";
    }

    /// <summary>
    /// Our seam over one CIM session on root/virtualization/v2. An in-parameter that is a <see cref="CimObject"/> is sent as an
    /// embedded instance (DTD 2.0 text, see <see cref="EmbeddedInstanceText"/>); a <see cref="CimObject"/> with a Path is a reference.
    /// </summary>
    public interface ICimGateway : System.IDisposable
    {
        /// <summary>The instances a WQL query finds in <paramref name="cimNamespace"/> (root/virtualization/v2 unless named).</summary>
        IReadOnlyList<CimObject> Query(string wql, string cimNamespace = CimNamespaces.Virtualization);

        /// <summary>Re-reads the instance at that path (a job being polled); null when it is gone.</summary>
        CimObject? Get(string path);

        CimMethodResult Invoke(CimObject target, string method, IDictionary<string, object?> inParameters);
    }
}
