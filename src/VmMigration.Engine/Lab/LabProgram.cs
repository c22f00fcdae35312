using System.Diagnostics;

namespace VmMigration.Lab
{
    /// <summary>Runs one of the lab's helper programs (qemu-io, openssl, groupadd ...) to its end, with what it printed.</summary>
    internal static class LabProgram
    {
        /// <summary>The exit code and everything printed (standard output, then standard error), trimmed; null exit code when it overran <paramref name="timeoutMs"/> and was killed.</summary>
        public static (int? ExitCode, string Output) Run(string program, string arguments, int timeoutMs = 60000)
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeoutMs))
            {
                try { process.Kill(); } catch (System.InvalidOperationException) { }
                return (null, "");
            }
            process.WaitForExit();
            return (process.ExitCode, (output.Result + error.Result).Trim());
        }
    }
}
