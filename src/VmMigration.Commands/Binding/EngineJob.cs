using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace VmMigration.Commands
{
    /// <summary>
    /// The job -AsJob returns: runs engine work on a background thread and collects its results, errors and progress
    /// in the job's streams (Receive-Job shows them). Stop-Job cancels the work, which aborts hypervisor jobs cleanly.
    /// </summary>
    internal sealed class EngineJob : Job
    {
        private readonly CancellationTokenSource cancellation = new CancellationTokenSource();
        private readonly Action<EngineJob, CancellationToken> body;
        private Task? running;

        public EngineJob(string command, string name, Action<EngineJob, CancellationToken> body)
            : base(command, name)
        {
            this.body = body;
            PSJobTypeName = "VmMigrationJob";
        }

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Progress.Count > 0 || Warning.Count > 0 || Information.Count > 0;

        public override string Location => Environment.MachineName;

        public override string StatusMessage => JobStateInfo.State.ToString();

        public void Start()
        {
            SetJobState(JobState.Running);
            running = VmMigration.Session.DedicatedThread.Start(() =>
            {
                try
                {
                    body(this, cancellation.Token);
                    SetJobState(cancellation.IsCancellationRequested ? JobState.Stopped : JobState.Completed);
                }
                catch (Exception error)
                {
                    Error.Add(new ErrorRecord(error, "JobFailed", ErrorCategory.NotSpecified, Name));
                    SetJobState(JobState.Failed);
                }
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
