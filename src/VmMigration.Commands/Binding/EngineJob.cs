using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>
    /// The job -AsJob returns: runs engine work on a background thread and collects its results, errors and progress
    /// in the job's streams (Receive-Job shows them). Stop-Job cancels the work, which aborts hypervisor jobs cleanly.
    /// Its state says what happened: Failed when a move failed or the work refused to start, Stopped when stopped,
    /// Completed otherwise; its error records carry the same full ids as the cmdlet's own.
    /// </summary>
    internal sealed class EngineJob : Job
    {

        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly Type commandType;
        private readonly Action<EngineJob, CancellationToken> body;
        private Task? running;
        private int failures;

        /// <param name="commandType">The cmdlet that started the job, whose name qualifies the error ids.</param>
        public EngineJob(Type commandType, string command, string name, Action<EngineJob, CancellationToken> body)
            : base(command, name)
        {
            this.commandType = commandType;
            this.body = body;
            PSJobTypeName = "VmMigrationJob";
        }

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Warning.Count > 0 || Information.Count > 0;

        public override string Location => Environment.MachineName;

        public override string StatusMessage => JobStateInfo.State.ToString();

        /// <summary>A VM's result into the job's output and, for a failure only, its error; returns whether it was a failure.</summary>
        public bool WriteResult(MigrationResult result)
        {
            Output.Add(PSObject.AsPSObject(result));
            if (result.Warning != null)
            {
                Warning.Add(new WarningRecord($"{result.VMName}: {result.Warning}"));
            }
            var error = ResultErrors.For(result);
            if (error != null)
            {
                WriteError(error, result.VMName);
            }
            return error != null;
        }

        /// <summary>An error into the job's Error stream; the job ends Failed.</summary>
        public void WriteError(MigrationException error, object? target)
        {
            Interlocked.Increment(ref failures);
            Error.Add(MigrationErrorRecord.ForJob(error, target, commandType));
        }

        /// <summary>
        /// A line for the console, as an Azure DevOps agent reads logging commands there, and a job has none. The line goes
        /// into the job's Information stream shaped exactly as Write-Host inside a job writes it (a HostInformationMessage
        /// tagged PSHOST), so Receive-Job shows it on the receiving session's console, whatever $InformationPreference says
        /// and even when the output objects are captured or discarded, and the agent sees it there. Output stays typed objects only.
        /// </summary>
        /// <param name="source">the command the record names as its source</param>
        public void WriteHostLine(string line, string source)
        {
            var record = new InformationRecord(new HostInformationMessage { Message = line }, source);
            record.Tags.Add("PSHOST");
            Information.Add(record);
        }

        public void Start()
        {
            SetJobState(JobState.Running);
            running = VmMigration.Session.DedicatedThread.Start(() =>
            {
                try
                {
                    body(this, cancellation.Token);
                }
                catch (MigrationException error)
                {
                    // The work refused to start or could not go on (e.g. the evacuation's preconditions).
                    WriteError(error, error.Target ?? Name);
                }
                catch (Exception error)
                {
                    Interlocked.Increment(ref failures);
                    Error.Add(new ErrorRecord(error, MigrationErrorRecord.FullErrorId(ErrorIds.JobFailed, commandType), ErrorCategory.NotSpecified, Name));
                }
                SetJobState(cancellation.IsCancellationRequested ? JobState.Stopped
                    : Volatile.Read(ref failures) > 0 ? JobState.Failed
                    : JobState.Completed);
            });
        }

        public override void StopJob()
        {
            cancellation.Cancel();
            running?.Wait();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                cancellation.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
