using System;
using System.Collections.Generic;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// Runs one Hyper-V method to its end: return value 0 is done at once, 4096 means an Msvm_ConcreteJob (the Job out-parameter)
    /// runs and is polled until its JobState is final (7 Completed; 8 Terminated, 9 Killed, 10 Exception end it otherwise).
    /// Cancellation asks the job to stop (RequestStateChange 4 = Terminate) and waits for it to end.
    /// </summary>
    public sealed class HyperVJob
    {
        public const uint Completed = 0;
        public const uint JobStarted = 4096;
        private const ushort JobCompleted = 7;
        private const ushort JobTerminated = 8;
        private const ushort RequestTerminate = 4;

        private readonly ICimGateway cim;
        private readonly TimeSpan pollInterval;
        private readonly Action<TimeSpan> sleep;

        public HyperVJob(ICimGateway cim, TimeSpan pollInterval, Action<TimeSpan>? sleep = null)
        {
            this.cim = cim;
            this.pollInterval = pollInterval;
            this.sleep = sleep ?? Thread.Sleep;
        }

        /// <summary>Invokes and waits; throws MigrationException (MigrationAborted when cancelled, MigrationFailed or HyperVMethodFailed otherwise).</summary>
        public CimMethodResult Run(CimObject target, string method, IDictionary<string, object?> inParameters, string subject,
            TimeSpan limit, IProgress<int>? percentComplete, CancellationToken cancellationToken)
        {
            var result = cim.Invoke(target, method, inParameters);
            if (result.ReturnValue == Completed)
            {
                return result;
            }
            if (result.ReturnValue != JobStarted)
            {
                throw new MigrationException(ErrorIds.HyperVMethodFailed, ErrorKind.InvalidOperation,
                    $"Hyper-V refused {method} for '{subject}' with return code {result.ReturnValue}.", subject);
            }
            var jobPath = PathOf(result.OutParameters.TryGetValue("Job", out var job) ? job : null)
                ?? throw new MigrationException(ErrorIds.HyperVMethodFailed, ErrorKind.InvalidOperation,
                    $"Hyper-V started a job for {method} on '{subject}' but returned no reference to it.", subject);
            var deadline = DateTime.UtcNow + limit;
            var terminateRequested = false;
            while (true)
            {
                var state = cim.Get(jobPath) ?? throw new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation,
                    $"The Hyper-V job of {method} for '{subject}' disappeared before it ended.", subject);
                var jobState = Convert.ToUInt16(state["JobState"] ?? 0);
                if (state["PercentComplete"] != null)
                {
                    percentComplete?.Report(Convert.ToInt32(state["PercentComplete"]));
                }
                if (jobState == JobCompleted)
                {
                    return result;
                }
                if (jobState >= JobTerminated)
                {
                    throw Failure(state, jobState, method, subject, terminateRequested);
                }
                if (!terminateRequested && (cancellationToken.IsCancellationRequested || DateTime.UtcNow > deadline))
                {
                    terminateRequested = true;
                    cim.Invoke(state, "RequestStateChange", new Dictionary<string, object?> { ["RequestedState"] = RequestTerminate });
                }
                sleep(pollInterval);
            }
        }

        private static MigrationException Failure(CimObject job, ushort jobState, string method, string subject, bool terminateRequested)
        {
            var code = job["ErrorCode"];
            var description = job["ErrorDescription"] as string;
            if (terminateRequested || jobState == JobTerminated)
            {
                return new MigrationException(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
                    $"The Hyper-V job of {method} for '{subject}' was stopped before it completed; the VM stays on its source.", subject);
            }
            var why = string.IsNullOrEmpty(description) ? "no description" : description;
            return new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation,
                $"The Hyper-V job of {method} for '{subject}' failed with error code {code}: {why}", subject);
        }

        private static string? PathOf(object? reference) => reference switch
        {
            CimObject instance => instance.Path,
            string path => path,
            _ => null,
        };
    }
}
