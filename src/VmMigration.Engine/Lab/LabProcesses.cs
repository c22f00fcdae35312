using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace VmMigration.Lab
{
    /// <summary>
    /// Finding and signalling the lab's processes through /proc. A pid alone is never trusted: a process is signalled
    /// only when its start time (or its command line) still proves it is the one the lab started.
    /// </summary>
    internal static class LabProcesses
    {
        public const int SigKill = 9;
        public const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int NativeKill(int pid, int signal);

        [DllImport("libc", EntryPoint = "geteuid")]
        public static extern uint GetEffectiveUserId();

        /// <summary>Field 22 (starttime) of /proc/&lt;pid&gt;/stat, or null when the process is gone.</summary>
        public static ulong? StartTicks(int pid)
        {
            string stat;
            try { stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat"); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            int close = stat.LastIndexOf(')');
            if (close < 0) return null;
            string[] rest = stat.Substring(close + 2).Split(' ');
            const int startTimeIndexAfterName = 22 - 3;
            if (rest.Length <= startTimeIndexAfterName) return null;
            if (rest[0] == "Z") return null; // a zombie is already dead; it only waits for its parent
            return ulong.TryParse(rest[startTimeIndexAfterName], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks) ? ticks : (ulong?)null;
        }

        public static bool IsSameProcess(int pid, ulong startTicks) => pid > 0 && StartTicks(pid) == startTicks;

        /// <summary>The process's arguments, or null when it is gone (kernel threads have none).</summary>
        public static string[]? CommandLine(int pid)
        {
            try
            {
                string raw = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/cmdline");
                return raw.Length == 0 ? null : raw.TrimEnd('\0').Split('\0');
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
        }

        public static void Signal(int pid, int signal) => NativeKill(pid, signal);

        /// <summary>
        /// Processes whose program is libvirtd or qemu-system-* and whose arguments mention <paramref name="pathPrefix"/>.
        /// Other programs (a user's virsh or tail on a lab log) are deliberately left alone.
        /// </summary>
        public static List<(int Pid, ulong StartTicks)> FindLabProcesses(string pathPrefix, bool libvirtd, bool qemu)
        {
            var found = new List<(int, ulong)>();
            int self = System.Diagnostics.Process.GetCurrentProcess().Id;
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == self)
                    continue;
                string[]? args = CommandLine(pid);
                if (args == null) continue;
                string program = System.IO.Path.GetFileName(args[0]);
                bool wanted = (libvirtd && program == "libvirtd") || (qemu && program.StartsWith("qemu-system-", StringComparison.Ordinal));
                if (!wanted || Array.FindIndex(args, a => a.Contains(pathPrefix)) < 0) continue;
                ulong? ticks = StartTicks(pid);
                if (ticks.HasValue) found.Add((pid, ticks.Value));
            }

            return found;
        }

        /// <summary>QEMU processes libvirt recorded in a host's run/qemu/&lt;guest&gt;.pid, checked against their command line.</summary>
        public static List<(int Pid, ulong StartTicks)> FindQemuFromPidFiles(string qemuPidDirectory) =>
            FindGuestsFromPidFiles(qemuPidDirectory).ConvertAll(g => (g.Pid, g.StartTicks));

        /// <summary>The guests whose QEMU runs, by the pid files libvirt keeps (other pid files there, such as the driver's own, are not guests).</summary>
        public static List<(string Guest, int Pid, ulong StartTicks)> FindGuestsFromPidFiles(string qemuPidDirectory)
        {
            var found = new List<(string, int, ulong)>();
            if (!Directory.Exists(qemuPidDirectory)) return found;
            foreach (string file in Directory.EnumerateFiles(qemuPidDirectory, "*.pid"))
            {
                string guest = System.IO.Path.GetFileNameWithoutExtension(file);
                if (!int.TryParse(SafeReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                string[]? args = CommandLine(pid);
                if (args == null || !System.IO.Path.GetFileName(args[0]).StartsWith("qemu-system-", StringComparison.Ordinal)) continue;
                if (Array.FindIndex(args, a => a.StartsWith("guest=" + guest + ",", StringComparison.Ordinal) || a == "guest=" + guest) < 0) continue;
                ulong? ticks = StartTicks(pid);
                if (ticks.HasValue) found.Add((guest, pid, ticks.Value));
            }

            return found;
        }

        /// <summary>SIGTERM (or SIGKILL when <paramref name="graceful"/> is false), wait up to the timeout, then SIGKILL what is left.</summary>
        public static void Terminate(IEnumerable<(int Pid, ulong StartTicks)> processes, bool graceful, TimeSpan timeout)
        {
            var alive = new List<(int Pid, ulong StartTicks)>();
            foreach (var p in processes)
            {
                if (!IsSameProcess(p.Pid, p.StartTicks)) continue;
                Signal(p.Pid, graceful ? SigTerm : SigKill);
                alive.Add(p);
            }

            DateTime deadline = DateTime.UtcNow + timeout;
            while (alive.Count > 0)
            {
                alive.RemoveAll(p => !IsSameProcess(p.Pid, p.StartTicks));
                if (alive.Count == 0) break;
                if (DateTime.UtcNow >= deadline)
                {
                    foreach (var p in alive) Signal(p.Pid, SigKill);
                    deadline = DateTime.MaxValue; // SIGKILL cannot be refused: just wait for the kernel
                }

                Thread.Sleep(50);
            }
        }

        private static string SafeReadAllText(string path)
        {
            try { return File.ReadAllText(path); }
            catch (IOException) { return ""; }
        }
    }
}
