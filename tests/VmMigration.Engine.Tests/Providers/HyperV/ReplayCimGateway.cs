using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Providers.HyperV;

namespace VmMigration.Engine.Tests.Providers.HyperV
{
    /// <summary>
    /// Replays documented CIM exchanges: query answers by the longest WQL prefix that matches, method results in order, and job instances read back in
    /// turn at each poll (the last one repeats). Records every call so a test can assert what was asked of Hyper-V.
    /// </summary>
    internal sealed class ReplayCimGateway : ICimGateway
    {
        private readonly Dictionary<string, IReadOnlyList<CimObject>> answers = new Dictionary<string, IReadOnlyList<CimObject>>();
        private readonly Queue<CimMethodResult> results = new Queue<CimMethodResult>();
        private readonly Queue<CimObject> jobStates = new Queue<CimObject>();
        private CimObject? lastJob;

        public List<(string Method, IDictionary<string, object?> In)> Calls { get; } = new List<(string, IDictionary<string, object?>)>();

        public ReplayCimGateway Answer(string wqlPrefix, params CimObject[] instances)
        {
            answers[wqlPrefix] = instances;
            return this;
        }

        public ReplayCimGateway Returns(CimMethodResult result)
        {
            results.Enqueue(result);
            return this;
        }

        public ReplayCimGateway JobReads(params CimObject[] states)
        {
            foreach (var state in states) jobStates.Enqueue(state);
            return this;
        }

        public IReadOnlyList<CimObject> Query(string wql, string cimNamespace = CimNamespaces.Virtualization) =>
            answers.Where(a => wql.StartsWith(a.Key, StringComparison.Ordinal)).OrderByDescending(a => a.Key.Length).Select(a => a.Value).FirstOrDefault() ?? Array.Empty<CimObject>();

        public CimObject? Get(string path)
        {
            if (jobStates.Count > 0) lastJob = jobStates.Dequeue();
            return lastJob;
        }

        public CimMethodResult Invoke(CimObject target, string method, IDictionary<string, object?> inParameters)
        {
            Calls.Add((method, inParameters));
            return results.Count > 0 ? results.Dequeue() : new CimMethodResult(0);
        }

        public void Dispose()
        {
        }

        public static CimObject Job(ushort jobState, ushort percent, ushort errorCode = 0, string? errorDescription = null) =>
            new CimObject("Msvm_ConcreteJob", new Dictionary<string, object?>
            {
                ["JobState"] = jobState,
                ["PercentComplete"] = percent,
                ["ErrorCode"] = errorCode,
                ["ErrorDescription"] = errorDescription,
            }, "\\\\hv01\\root\\virtualization\\v2:Msvm_ConcreteJob.InstanceID=\"J1\"");

        public static CimMethodResult JobStarted() =>
            new CimMethodResult(4096, new Dictionary<string, object?> { ["Job"] = Job(4, 0) });
    }
}
