using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.Lab
{
    /// <summary>
    /// The embedded local lab: N libvirt hosts on this machine, each a libvirtd in its own mount and UTS namespace,
    /// reachable only through its unix socket, migrating over loopback. Start, Get and Stop work across sessions
    /// through &lt;Path&gt;/lab.json.
    /// </summary>
    public sealed class MigrationLab
    {
        // Keeps the path usable verbatim in a libvirt URI and a shell argument; sun_path holds 107 bytes.
        private static readonly Regex SafePath = new Regex("^/[A-Za-z0-9._/+-]*$", RegexOptions.CultureInvariant);
        private const int MaxSocketPathLength = 107;

        /// <summary>
        /// Starts the lab, or completes one that exists: running hosts are kept, dead ones restarted with their
        /// definitions; a lab whose every daemon is gone (a killed session) is cleaned and made anew.
        /// </summary>
        public LabInfo Start(LabOptions options, CancellationToken cancellationToken)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            string path = ValidatePath(options.Path, options.HostCount);
            if (options.HostCount < 1 || options.HostCount > LabDefaults.MaxHostCount)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture,
                    "A lab has 1 to {0} hosts; {1} was asked.", LabDefaults.MaxHostCount, options.HostCount));
            LabPrerequisites.EnsureLinuxAndRoot();
            string libvirtd = LabPrerequisites.FindLibvirtd();
            LabPrerequisites.EnsureLibvirtAccounts();

            Directory.CreateDirectory(path);
            using (LockLab(path))
            {
                LabInfo? existing = LabStateFile.Load(path);
                if (existing != null) RefreshLiveness(existing);
                if (existing == null || existing.Hosts.All(h => !h.IsRunning))
                {
                    // Nothing of it is alive (or its state is lost): whatever is left belongs to a dead session.
                    KillEverythingOf(path);
                    RemoveHostDirectories(path);
                    existing = null;
                }

                var lab = existing ?? new LabInfo { Path = path, CreatedUtc = DateTime.UtcNow };
                lab.Accelerator = LabPrerequisites.DetectAccelerator();
                int hostCount = Math.Max(options.HostCount, lab.Hosts.Count); // never shrinks a running lab silently
                var started = new List<LabHostInfo>();
                try
                {
                    for (int index = 1; index <= hostCount; index++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        LabHostInfo host = lab.Hosts.FirstOrDefault(h => h.Index == index) ?? AddHost(lab, index);
                        if (host.IsRunning) continue;
                        var paths = new LabHostPaths(path, index);
                        CleanDeadHost(paths, host);
                        Launch(paths, host, libvirtd, options.StartTimeout, cancellationToken);
                        started.Add(host);
                        LabStateFile.Save(lab); // after each host, so a session killed now still knows what it started
                    }
                }
                catch
                {
                    // Stop what this call started; hosts that were already running stay as they were.
                    foreach (LabHostInfo host in started) StopHost(new LabHostPaths(path, host.Index), host);
                    lab.Hosts.RemoveAll(h => started.Contains(h) || (!h.IsRunning && h.Pid == 0));
                    if (lab.Hosts.Count == 0) RemoveLab(path); else LabStateFile.Save(lab);
                    throw;
                }

                LabStateFile.Save(lab);
                return lab;
            }
        }

        /// <summary>The lab at <paramref name="path"/> with each host's liveness checked, or null when there is none.</summary>
        public LabInfo? Get(string? path = null)
        {
            string labPath = ValidatePath(path ?? LabDefaults.Path, 1);
            LabInfo? lab = LabStateFile.Load(labPath);
            if (lab != null) RefreshLiveness(lab);
            return lab;
        }

        /// <summary>
        /// Kills every QEMU the lab started, stops each libvirtd (SIGTERM, SIGKILL after a timeout) and removes the lab's
        /// state. Throws LabNotRunning when there is no lab at <paramref name="path"/>.
        /// </summary>
        public void Stop(string? path = null)
        {
            string labPath = ValidatePath(path ?? LabDefaults.Path, 1);
            LabPrerequisites.EnsureLinuxAndRoot();
            if (!File.Exists(LabStateFile.PathOf(labPath)) && HostDirectories(labPath).Count == 0)
                throw NoLab(labPath);

            using (LockLab(labPath))
            {
                KillEverythingOf(labPath);
                RemoveHostDirectories(labPath);
                RemoveLab(labPath);
            }
        }

        /// <summary>
        /// The first half of a reboot of one host: every QEMU still running there is killed (its guest is lost, as in a
        /// power cut), its libvirtd stops and its run directory is emptied (a reboot clears /run). Its persistent definitions,
        /// disks and identity stay. Returns the names of the guests that were running. <see cref="PowerOn"/> brings it back.
        /// </summary>
        public IReadOnlyList<string> PowerOff(string path, string hostName)
        {
            var (labPath, host) = RunningHost(path, hostName);
            var paths = new LabHostPaths(labPath, host.Index);
            using (LockLab(labPath))
            {
                var lost = LabProcesses.FindGuestsFromPidFiles(paths.QemuPidDirectory).Select(g => g.Guest).OrderBy(n => n, StringComparer.Ordinal).ToList();
                StopHost(paths, host);
                if (Directory.Exists(paths.Run)) Directory.Delete(paths.Run, recursive: true);
                return lost;
            }
        }

        /// <summary>The second half of a reboot: the host's libvirtd starts again with the same name, UUID, ports and definitions (its guests shut off).</summary>
        public void PowerOn(string path, string hostName, CancellationToken cancellationToken)
        {
            string labPath = ValidatePath(path, 1);
            string libvirtd = LabPrerequisites.FindLibvirtd();
            using (LockLab(labPath))
            {
                var lab = LabStateFile.Load(labPath) ?? throw NoLab(labPath);
                RefreshLiveness(lab);
                var host = FindHost(lab, hostName);
                if (host.IsRunning) return;
                var paths = new LabHostPaths(labPath, host.Index);
                CleanDeadHost(paths, host);
                Launch(paths, host, libvirtd, TimeSpan.FromSeconds(LabDefaults.StartTimeoutSeconds), cancellationToken);
                LabStateFile.Save(lab);
            }
        }

        private (string Path, LabHostInfo Host) RunningHost(string path, string hostName)
        {
            string labPath = ValidatePath(path, 1);
            LabPrerequisites.EnsureLinuxAndRoot();
            var lab = Get(labPath) ?? throw NoLab(labPath);
            var host = FindHost(lab, hostName);
            if (!host.IsRunning)
                throw new MigrationException(ErrorIds.LabHostDown, ErrorKind.InvalidOperation,
                    $"Lab host {host.Name} is down already (restarting, or its libvirtd died); Start-MigrationLab -Path {labPath} starts it again.", host.Name);
            return (labPath, host);
        }

        private static LabHostInfo FindHost(LabInfo lab, string hostName) =>
            lab.Hosts.FirstOrDefault(h => string.Equals(h.Name, hostName, StringComparison.OrdinalIgnoreCase))
            ?? throw new MigrationException(ErrorIds.NotALabHost, ErrorKind.ObjectNotFound,
                $"The lab at {lab.Path} has no host '{hostName}'; its hosts: {string.Join(", ", lab.Hosts.Select(h => h.Name))}.", hostName);

        private static MigrationException NoLab(string labPath) =>
            new MigrationException(ErrorIds.LabNotRunning, ErrorKind.ObjectNotFound, "There is no lab at " + labPath + ". Start one with Start-MigrationLab.", labPath);

        private static void Launch(LabHostPaths paths, LabHostInfo host, string libvirtd, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var launched = LabDaemonLauncher.Launch(paths, host.HostUuid, (host.MigrationPortMin, host.MigrationPortMax), (host.DisplayPortMin, host.DisplayPortMax), libvirtd, timeout, cancellationToken);
            host.Pid = launched.Pid;
            host.ProcessStartTicks = launched.StartTicks;
            host.IsRunning = true;
        }

        private static LabHostInfo AddHost(LabInfo lab, int index)
        {
            var paths = new LabHostPaths(lab.Path, index);
            var slot = LabHostConfig.PortSlot(lab.Path);
            var migration = LabHostConfig.MigrationPorts(index, slot);
            var display = LabHostConfig.DisplayPorts(index, slot);
            var host = new LabHostInfo
            {
                Name = paths.Name,
                Index = index,
                Uri = paths.Uri,
                SocketPath = paths.Socket,
                Directory = paths.Root,
                HostUuid = LabHostConfig.NewHostUuid(),
                MigrationPortMin = migration.Min,
                MigrationPortMax = migration.Max,
                DisplayPortMin = display.Min,
                DisplayPortMax = display.Max,
                MigrationAddress = LabDefaults.MigrationAddress,
                OwnAddress = LabMigrationTls.LoopbackAddress(index),
            };
            lab.Hosts.Add(host);
            return host;
        }

        private static void RefreshLiveness(LabInfo lab)
        {
            foreach (LabHostInfo host in lab.Hosts)
                host.IsRunning = LabProcesses.IsSameProcess(host.Pid, host.ProcessStartTicks) && UnixSocketProbe.Accepts(host.SocketPath);
        }

        /// <summary>
        /// Before a dead host restarts: whatever is left of its daemon is stopped and its stale sockets and pid file
        /// removed. Its guests keep running and its run directory keeps their status, so the new libvirtd reconnects to
        /// them, as a real host's daemon does after a restart: a daemon crash must not take the VMs with it.
        /// </summary>
        private static void CleanDeadHost(LabHostPaths paths, LabHostInfo host)
        {
            var daemons = LabProcesses.FindLabProcesses(paths.DaemonConfig, libvirtd: true, qemu: false);
            if (host.Pid > 0) daemons.Add((host.Pid, host.ProcessStartTicks));
            LabProcesses.Terminate(daemons, graceful: true, TimeSpan.FromSeconds(LabDefaults.StopTimeoutSeconds));
            if (!Directory.Exists(paths.Run)) return;
            foreach (var stale in Directory.GetFiles(paths.Run, "libvirt*sock*").Concat(Directory.GetFiles(paths.Run, "libvirtd.pid")))
                File.Delete(stale);
        }

        private static void StopHost(LabHostPaths paths, LabHostInfo host)
        {
            LabProcesses.Terminate(LabProcesses.FindQemuFromPidFiles(paths.QemuPidDirectory), graceful: false, TimeSpan.FromSeconds(LabDefaults.StopTimeoutSeconds));
            var daemons = LabProcesses.FindLabProcesses(paths.DaemonConfig, libvirtd: true, qemu: false);
            if (host.Pid > 0) daemons.Add((host.Pid, host.ProcessStartTicks));
            LabProcesses.Terminate(daemons, graceful: true, TimeSpan.FromSeconds(LabDefaults.StopTimeoutSeconds));
        }

        /// <summary>Every QEMU and libvirtd of the lab: from its daemons' pid files and from command lines naming the lab path.</summary>
        private static void KillEverythingOf(string labPath)
        {
            var guests = new List<(int, ulong)>();
            foreach (string hostRoot in HostDirectories(labPath))
                guests.AddRange(LabProcesses.FindQemuFromPidFiles(Path.Combine(hostRoot, "run", "qemu")));
            guests.AddRange(LabProcesses.FindLabProcesses(labPath + "/", libvirtd: false, qemu: true));
            LabProcesses.Terminate(guests, graceful: false, TimeSpan.FromSeconds(LabDefaults.StopTimeoutSeconds));

            var daemons = LabProcesses.FindLabProcesses(labPath + "/", libvirtd: true, qemu: false);
            LabInfo? state = LabStateFile.Load(labPath);
            if (state != null) daemons.AddRange(state.Hosts.Where(h => h.Pid > 0).Select(h => (h.Pid, h.ProcessStartTicks)));
            LabProcesses.Terminate(daemons, graceful: true, TimeSpan.FromSeconds(LabDefaults.StopTimeoutSeconds));
        }

        private static List<string> HostDirectories(string labPath)
        {
            if (!Directory.Exists(labPath)) return new List<string>();
            var hostName = new Regex("^" + LabDefaults.HostNamePrefix + "[0-9]+$", RegexOptions.CultureInvariant);
            return Directory.EnumerateDirectories(labPath).Where(d => hostName.IsMatch(Path.GetFileName(d))).ToList();
        }

        private static void RemoveHostDirectories(string labPath)
        {
            foreach (string dir in HostDirectories(labPath)) Directory.Delete(dir, recursive: true);
            // The lab's CA signed those hosts' certificates only: it goes with them.
            var ca = LabMigrationTls.CaDirectory(labPath);
            if (Directory.Exists(ca)) Directory.Delete(ca, recursive: true);
        }

        private static void RemoveLab(string labPath)
        {
            File.Delete(LabStateFile.PathOf(labPath));
            File.Delete(LockPath(labPath));
            if (Directory.Exists(labPath) && !Directory.EnumerateFileSystemEntries(labPath).Any()) Directory.Delete(labPath);
        }

        private static string LockPath(string labPath) => Path.Combine(labPath, "lab.lock");

        /// <summary>One Start or Stop at a time per lab (an advisory flock, released if the session dies).</summary>
        private static FileStream LockLab(string labPath)
        {
            try
            {
                return new FileStream(LockPath(labPath), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e)
            {
                throw new MigrationException(ErrorIds.LabStartFailed, ErrorKind.ResourceBusy,
                    "Another session is starting or stopping the lab at " + labPath + "; try again when it is done.", labPath, e);
            }
        }

        internal static string ValidatePath(string path, int hostCount)
        {
            if (string.IsNullOrEmpty(path) || !SafePath.IsMatch(path) || path.Contains("/../") || path.EndsWith("/..", StringComparison.Ordinal))
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "The lab path must be absolute and use only letters, digits and . _ - + /: '" + path + "'.", path);
            string normalized = path.TrimEnd('/');
            if (normalized.Length == 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "The lab path cannot be '/'.", path);
            foreach (var mount in LabHostPaths.BindMounts)
            {
                // Inside a host's namespace these directories are covered by the bind mounts, so the lab could not see itself.
                if (normalized == mount.MountPoint || normalized.StartsWith(mount.MountPoint + "/", StringComparison.Ordinal)
                    || mount.MountPoint.StartsWith(normalized + "/", StringComparison.Ordinal))
                    throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                        "The lab path cannot be in or above " + mount.MountPoint + ": '" + path + "'.", path);
            }

            string longestSocket = new LabHostPaths(normalized, Math.Max(hostCount, 1)).Socket;
            if (longestSocket.Length > MaxSocketPathLength)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    "The lab path is too long: the socket path '" + longestSocket + "' exceeds " + MaxSocketPathLength + " bytes.", path);
            return normalized;
        }
    }
}
