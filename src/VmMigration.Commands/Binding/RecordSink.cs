using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>
    /// Where a long command's records go, written from worker threads: the pipeline (queued through the pump, written on
    /// the pipeline thread) or an -AsJob job's streams. An observer written against it serves both.
    /// </summary>
    internal interface IRecordSink
    {
        void Object(object value);

        void Error(MigrationException error, object target);

        void Progress(ProgressRecord record);

        void Warning(string message);

        /// <summary>A line for the console (Azure DevOps logging commands), never mixed with the output objects.</summary>
        void ConsoleLine(string line);
    }

    /// <summary>Records onto the pipeline, through the pump.</summary>
    internal sealed class PipelineSink : IRecordSink
    {
        private readonly PipelinePump pump;

        public PipelineSink(PipelinePump pump)
        {
            this.pump = pump;
        }

        public void Object(object value) => pump.Post(cmdlet => cmdlet.WriteObject(value));

        public void Error(MigrationException error, object target) => pump.Post(cmdlet => cmdlet.WriteError(MigrationErrorRecord.ForCmdlet(error, target)));

        public void Progress(ProgressRecord record) => pump.Post(cmdlet => cmdlet.WriteProgress(record));

        public void Warning(string message) => pump.Post(cmdlet => cmdlet.WriteWarning(message));

        public void ConsoleLine(string line) => pump.Post(cmdlet => cmdlet.Host.UI.WriteLine(line));
    }

    /// <summary>Records into a job's streams (Receive-Job shows them); console lines as Write-Host in a job writes them.</summary>
    internal sealed class JobSink : IRecordSink
    {
        private readonly EngineJob job;
        private readonly string source;

        public JobSink(EngineJob job, string source)
        {
            this.job = job;
            this.source = source;
        }

        public void Object(object value) => job.Output.Add(PSObject.AsPSObject(value));

        public void Error(MigrationException error, object target) => job.WriteError(error, target);

        public void Progress(ProgressRecord record) => job.Progress.Add(record);

        public void Warning(string message) => job.Warning.Add(new WarningRecord(message));

        public void ConsoleLine(string line) => job.WriteHostLine(line, source);
    }
}
