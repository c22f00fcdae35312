using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Lab
{
    /// <summary>Starts one lab host's libvirtd in its own mount and UTS namespace and waits until its socket serves.</summary>
    internal static class LabDaemonLauncher
    {
        // Runs inside the new namespaces. Arguments: $1 host root, $2 hostname, $3 libvirtd.
        // Every step before the final exec keeps the same pid (setsid, unshare and sh all exec), so the pid Start
        // records is libvirtd's own. mkdir -p creates missing mount points on the real filesystem (empty directories).
        private const string NamespaceScript =
            "set -e\n" +
            "root=$1\n" +
            "exec </dev/null >>\"$root/log/libvirtd.stdout\" 2>&1\n" +
            "echo \"vmmigration lab: starting libvirtd for $2 at $(date -u +%FT%TZ)\"\n" +
            "for pair in etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt log:/var/log/libvirt cache:/var/cache/libvirt; do\n" +
            "  mkdir -p \"${pair#*:}\"\n" +
            "  mount --bind \"$root/${pair%%:*}\" \"${pair#*:}\"\n" +
            "done\n" +
            "mount --bind \"$root/hosts\" /etc/hosts\n" +
            "hostname \"$2\"\n" +
            "exec \"$3\" --pid-file \"$root/run/libvirtd.pid\" -f \"$root/etc/libvirtd.conf\"\n";

        /// <summary>Writes the host's configuration, launches its daemon and returns its pid and start time once the socket accepts.</summary>
        public static (int Pid, ulong StartTicks) Launch(LabHostPaths host, string hostUuid, (int Min, int Max) migrationPorts, (int Min, int Max) displayPorts, string libvirtd, TimeSpan timeout, CancellationToken cancellationToken)
        {
            foreach (var mount in LabHostPaths.BindMounts) Directory.CreateDirectory(Path.Combine(host.Root, mount.Name));
            File.WriteAllText(host.DaemonConfig, LabHostConfig.LibvirtdConf(hostUuid));
            LabMigrationTls.Ensure(host);
            File.WriteAllText(host.QemuConfig, LabHostConfig.QemuConf(migrationPorts, displayPorts, host.MigrationTls));
            File.WriteAllText(host.HostsFile, LabHostConfig.HostsFile(File.Exists("/etc/hosts") ? File.ReadAllText("/etc/hosts") : ""));
            File.Delete(host.Socket);

            var startInfo = new ProcessStartInfo
            {
                FileName = LabPrerequisites.FindProgram("setsid")!,
                // setsid: its own session, so a Ctrl+C in the terminal that started the lab does not reach libvirtd.
                Arguments = JoinArguments("unshare", "--mount", "--uts", "--propagation", "private",
                    "/bin/sh", "-c", NamespaceScript, "vmmigration-lab", host.Root, host.Name, libvirtd),
                UseShellExecute = false,
                RedirectStandardInput = false,
                RedirectStandardOutput = false,
                RedirectStandardError = false,
            };

            int pid;
            using (Process process = Process.Start(startInfo)!)
            {
                pid = process.Id;
            }

            ulong? startTicks = LabProcesses.StartTicks(pid);
            DateTime deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                if (startTicks == null || !LabProcesses.IsSameProcess(pid, startTicks.Value))
                    throw Failed(host, "libvirtd exited during start-up");
                if (UnixSocketProbe.Accepts(host.Socket)) break;
                if (DateTime.UtcNow >= deadline)
                {
                    LabProcesses.Terminate(new[] { (pid, startTicks.Value) }, graceful: false, TimeSpan.FromSeconds(5));
                    throw Failed(host, string.Format(System.Globalization.CultureInfo.InvariantCulture,
                        "its socket {0} did not accept connections within {1:0.###} s", host.Socket, timeout.TotalSeconds));
                }

                if (cancellationToken.WaitHandle.WaitOne(100))
                {
                    LabProcesses.Terminate(new[] { (pid, startTicks.Value) }, graceful: false, TimeSpan.FromSeconds(5));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            string[]? args = LabProcesses.CommandLine(pid);
            if (args == null || Path.GetFileName(args[0]) != "libvirtd")
                throw Failed(host, "the launched pid " + pid + " is not libvirtd (" + string.Join(" ", args ?? new string[0]) + ")");
            return (pid, startTicks!.Value);
        }

        private static MigrationException Failed(LabHostPaths host, string why) =>
            new MigrationException(ErrorIds.LabStartFailed, ErrorKind.ResourceUnavailable,
                "Lab host " + host.Name + " did not start: " + why + ". Last lines of " + host.DaemonLog + ":\n" + Tail(host.DaemonLog, 15),
                host.Name);

        internal static string Tail(string file, int lines)
        {
            try
            {
                string[] all = File.ReadAllLines(file);
                return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
            }
            catch (IOException)
            {
                return "(no log)";
            }
        }

        /// <summary>
        /// ProcessStartInfo.Arguments as .NET splits it on Unix (the Windows command-line rules): quote every argument,
        /// double backslashes that precede a quote, and escape quotes. netstandard2.0 has no ArgumentList.
        /// </summary>
        internal static string JoinArguments(params string[] args)
        {
            var sb = new StringBuilder();
            foreach (string arg in args)
            {
                if (sb.Length > 0) sb.Append(' ');
                sb.Append('"');
                int backslashes = 0;
                foreach (char c in arg)
                {
                    if (c == '\\') { backslashes++; continue; }
                    if (c == '"') { sb.Append('\\', backslashes * 2 + 1); sb.Append('"'); }
                    else { sb.Append('\\', backslashes); sb.Append(c); }
                    backslashes = 0;
                }

                sb.Append('\\', backslashes * 2);
                sb.Append('"');
            }

            return sb.ToString();
        }
    }
}
