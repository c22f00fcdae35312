using System;
using System.Collections.Generic;
using System.Linq;
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

        /// <summary>JobState values before the final ones: 2 New, 3 Starting, 4 Running, 5 Suspended, 6 Shutting Down.</summary>
        public static bool IsRunning(CimObject job) => Convert.ToUInt16(job["JobState"] ?? 0) < JobCompleted;

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
            var deadline = limit > TimeSpan.FromDays(30) ? DateTime.MaxValue : DateTime.UtcNow + limit;
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
                    RequestTermination(state);
                }
                sleep(pollInterval);
            }
        }

        /// <summary>Asks a running job to stop (Msvm_ConcreteJob.RequestStateChange, RequestedState 4 Terminate).</summary>
        public void RequestTermination(CimObject job) =>
            cim.Invoke(job, "RequestStateChange", new Dictionary<string, object?> { ["RequestedState"] = RequestTerminate });

        private HyperVJobFailure Failure(CimObject job, ushort jobState, string method, string subject, bool terminateRequested)
        {
            if (terminateRequested || jobState == JobTerminated)
            {
                return new HyperVJobFailure(ErrorIds.MigrationAborted, ErrorKind.OperationStopped,
                    $"The Hyper-V job of {method} for '{subject}' was stopped before it completed; the VM stays on its source.", subject, Array.Empty<MsvmError>());
            }
            var errors = ErrorsOf(job);
            var why = errors.Count > 0 ? string.Join(" ", errors.Select(e => e.ToString()))
                : job["ErrorDescription"] is string description && description.Length > 0 ? description : "no description";
            return new HyperVJobFailure(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation,
                $"The Hyper-V job of {method} for '{subject}' failed with error code {job["ErrorCode"]}: {why}", subject, errors);
        }

        /// <summary>The job's errors as Msvm_Error instances (GetErrorEx); none when the host does not say more than ErrorDescription.</summary>
        private IReadOnlyList<MsvmError> ErrorsOf(CimObject job)
        {
            if (job.Path == null) return Array.Empty<MsvmError>();
            try
            {
                var result = cim.Invoke(job, "GetErrorEx", new Dictionary<string, object?>());
                return result.ReturnValue == Completed ? MsvmError.AllIn(result.OutParameters.TryGetValue("Errors", out var errors) ? errors : null) : Array.Empty<MsvmError>();
            }
            catch (MigrationException)
            {
                return Array.Empty<MsvmError>(); // the description the job carries is still told
            }
        }

        private static string? PathOf(object? reference) => reference switch
        {
            CimObject instance => instance.Path,
            string path => path,
            _ => null,
        };
    }
}
