using System;
using System.IO;
using System.Runtime.InteropServices;
using VmMigration.Errors;

namespace VmMigration.Lab
{
    /// <summary>What the machine must offer before a lab can run, each failure with the fix in its message.</summary>
    internal static class LabPrerequisites
    {
        private static readonly string[] SystemBinDirectories = { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin" };

        public static void EnsureLinuxAndRoot() =>
            EnsureLinuxAndRoot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), () => LabProcesses.GetEffectiveUserId());

        /// <summary>As <see cref="EnsureLinuxAndRoot()"/>, for the given platform and user (asked only on Linux).</summary>
        internal static void EnsureLinuxAndRoot(bool isLinux, Func<uint> effectiveUserId)
        {
            if (!isLinux)
                throw new MigrationException(ErrorIds.LabRequiresLinux, ErrorKind.NotImplemented,
                    "The migration lab runs libvirtd in Linux namespaces, so it needs Linux; this is " + RuntimeInformation.OSDescription + ".");
            if (effectiveUserId() != 0)
                throw new MigrationException(ErrorIds.LabRequiresRoot, ErrorKind.PermissionDenied,
                    "The migration lab needs root (mount namespaces, libvirtd, QEMU). Run PowerShell as root, e.g. 'sudo pwsh'.");
        }

        /// <summary>Full path of libvirtd; checks QEMU and the programs that start each lab host are there too.</summary>
        public static string FindLibvirtd()
        {
            string libvirtd = Require("libvirtd");
            if (!File.Exists(LabDefaults.QemuEmulator))
                throw NotInstalled(LabDefaults.QemuEmulator, Path.GetFileName(LabDefaults.QemuEmulator));
            foreach (string tool in new[] { "unshare", "setsid", "mount", "hostname" }) Require(tool);
            return libvirtd;
        }

        /// <summary>Full path of qemu-io, which writes a lab disk's pattern (qemu-img comes in the same package).</summary>
        public static string FindQemuIo()
        {
            Require("qemu-img");
            return Require("qemu-io");
        }

        /// <summary>
        /// Debian's libvirtd refuses to start without the accounts that libvirt-daemon-system creates (the qemu user and
        /// the kvm group), even when qemu.conf runs QEMU as root. The lab installs only the daemon, so it creates them.
        /// </summary>
        public static void EnsureLibvirtAccounts()
        {
            EnsureAccount("/etc/group", "kvm", "groupadd", "--system kvm");
            EnsureAccount("/etc/group", "libvirt-qemu", "groupadd", "--system libvirt-qemu");
            EnsureAccount("/etc/passwd", "libvirt-qemu", "useradd",
                "--system --no-create-home --home-dir /var/lib/libvirt --shell /usr/sbin/nologin --gid libvirt-qemu --groups kvm libvirt-qemu");
        }

        private static void EnsureAccount(string database, string name, string tool, string arguments)
        {
            if (File.Exists(database) && Array.Exists(File.ReadAllLines(database), line => line.StartsWith(name + ":", StringComparison.Ordinal)))
                return;
            string program = Require(tool);
            var (exitCode, output) = LabProgram.Run(program, arguments);
            if (exitCode != 0)
                throw new MigrationException(ErrorIds.LabStartFailed, ErrorKind.InvalidOperation,
                    "libvirtd needs the account '" + name + "' and '" + tool + " " + arguments + "' failed: " + (exitCode == null ? "it did not finish within 60 s" : output));
        }

        /// <summary>"kvm" when /dev/kvm opens read-write (what QEMU needs), otherwise "tcg".</summary>
        public static string DetectAccelerator()
        {
            try
            {
                using (new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) { }
                return "kvm";
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return "tcg";
            }
        }

        internal static string? FindProgram(string name)
        {
            foreach (string dir in SystemBinDirectories)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }

            return null;
        }

        private static string Require(string program) => FindProgram(program) ?? throw NotInstalled(program, program);

        /// <summary>
        /// <paramref name="what"/> (the program, or its full path) is missing: the fix is to install every package the lab
        /// needs, which the message names from <see cref="LabPackages"/>, the list build.ps1 installs.
        /// </summary>
        internal static MigrationException NotInstalled(string what, string program) =>
            new MigrationException(ErrorIds.LibvirtNotInstalled, ErrorKind.NotInstalled,
                what + " was not found; it comes with the package " + LabPackages.Bringing(program) +
                ". On Debian or Ubuntu install what the lab needs with: apt-get install " + string.Join(" ", LabPackages.ForLab) + ".");
    }
}
