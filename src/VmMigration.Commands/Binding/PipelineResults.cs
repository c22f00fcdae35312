using System.Management.Automation;

namespace VmMigration.Commands
{
    /// <summary>A VM's result onto the pipeline, on the pipeline thread: the object, then an error record if it failed.</summary>
    internal static class PipelineResults
    {
        /// <summary>Writes the result and, for a failure only, its error; returns whether it was a failure.</summary>
        public static bool WriteResult(this Cmdlet cmdlet, MigrationResult result)
        {
            cmdlet.WriteObject(result);
            if (result.Warning != null)
            {
                cmdlet.WriteWarning($"{result.VMName}: {result.Warning}");
            }
            var error = ResultErrors.For(result);
            if (error != null)
            {
                cmdlet.WriteError(MigrationErrorRecord.ForCmdlet(error, result.VMName));
            }
            return error != null;
        }
    }
}
