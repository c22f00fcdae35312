using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;

namespace VmMigration.Lab
{
    /// <summary>The libvirt domain XML of a lab guest: the tiny kernel booted directly, an optional data disk, no network.</summary>
    public static class LabGuestDomainXml
    {
        /// <summary>Below this much memory the guest has no room for its image, header and a working set.</summary>
        public const int MinMemoryMB = 16;

        /// <summary>The guest keeps its image and header below 4 MiB and the top MiB free (see guest.c).</summary>
        private const int ReservedMemoryMB = 8;

        public static int EffectiveWorkingSetMB(LabGuestSpec spec) => Math.Max(1, Math.Min(spec.WorkingSetMB, spec.MemoryMB - ReservedMemoryMB));

        /// <summary>The guest's kernel command line, parsed by guest.c.</summary>
        public static string KernelCommandLine(LabGuestSpec spec) => string.Format(CultureInfo.InvariantCulture,
            "wss_mb={0} rate_mbps={1} mode={2}", EffectiveWorkingSetMB(spec), spec.DirtyRateMBps, spec.Mode == LabGuestMode.TouchAll ? "touchall" : "paced");

        /// <summary>Where the guest's serial console is written: &lt;host log dir&gt;/&lt;name&gt;.serial.log.</summary>
        public static string SerialLogPath(LabHostInfo host, string guestName)
        {
            string fileName = new string(guestName.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_').ToArray());
            return Path.Combine(host.Directory, "log", fileName + ".serial.log");
        }

        /// <summary>The guest's definition, as a lab host (a libvirt host) is given it: <see cref="Build"/> read by the libvirt provider.</summary>
        public static GuestDefinition Definition(LabGuestSpec spec, LabHostInfo host, string accelerator, string kernelPath) =>
            LibvirtDomainDefinition.Read(Build(spec, host, accelerator, kernelPath));

        /// <param name="spec">the guest</param>
        /// <param name="host">the lab host it is defined on (its log directory holds the serial log)</param>
        /// <param name="accelerator">"kvm" or "tcg", as in <see cref="LabInfo.Accelerator"/></param>
        /// <param name="kernelPath">the guest ELF, from <see cref="LabGuestImage.Resolve"/></param>
        public static string Build(LabGuestSpec spec, LabHostInfo host, string accelerator, string kernelPath)
        {
            Validate(spec);
            bool kvm = accelerator == "kvm";
            if (!kvm && accelerator != "tcg")
                throw Invalid("The accelerator must be 'kvm' or 'tcg', not '" + accelerator + "'.");

            // A CPU model that is identical on every lab host, so a guest can migrate between any two of them.
            XElement cpu = kvm
                ? new XElement("cpu", new XAttribute("mode", "host-model"))
                : new XElement("cpu", new XAttribute("mode", "custom"), new XAttribute("match", "exact"), new XAttribute("check", "none"),
                    new XElement("model", new XAttribute("fallback", "forbid"), "qemu64"));

            var domain = new XElement("domain", new XAttribute("type", kvm ? "kvm" : "qemu"),
                new XElement("name", spec.Name),
                new XElement("memory", new XAttribute("unit", "MiB"), spec.MemoryMB),
                new XElement("currentMemory", new XAttribute("unit", "MiB"), spec.MemoryMB),
                new XElement("vcpu", spec.VCpuCount),
                new XElement("os",
                    new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"),
                    new XElement("kernel", kernelPath),
                    new XElement("cmdline", KernelCommandLine(spec))),
                cpu,
                new XElement("clock", new XAttribute("offset", "utc")),
                new XElement("on_poweroff", "destroy"),
                new XElement("on_reboot", "destroy"),  // the guest never reboots on purpose: a reset is a triple fault
                new XElement("on_crash", "destroy"),
                new XElement("devices",
                    new XElement("emulator", LabDefaults.QemuEmulator),
                    spec.DiskPath == null ? null : new XElement("disk", new XAttribute("type", "file"), new XAttribute("device", "disk"),
                        new XElement("driver", new XAttribute("name", "qemu"), new XAttribute("type", "qcow2")),
                        new XElement("source", new XAttribute("file", spec.DiskPath)),
                        // virtio-blk, unlike IDE, accepts a read-only disk: a linked clone's parent keeps booting.
                        new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio"))),
                    new XElement("serial", new XAttribute("type", "file"),
                        new XElement("source", new XAttribute("path", SerialLogPath(host, spec.Name)), new XAttribute("append", "on")),
                        new XElement("target", new XAttribute("port", 0))),
                    new XElement("controller", new XAttribute("type", "usb"), new XAttribute("model", "none")),
                    new XElement("memballoon", new XAttribute("model", "none"))));
            return domain.ToString();
        }

        private static void Validate(LabGuestSpec spec)
        {
            if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Contains("/") || spec.Name.Any(char.IsControl))
                throw Invalid("A lab guest needs a name without '/' or control characters; got '" + spec.Name + "'.");
            if (spec.MemoryMB < MinMemoryMB)
                throw Invalid(string.Format(CultureInfo.InvariantCulture, "A lab guest needs at least {0} MiB of memory; {1} was asked.", MinMemoryMB, spec.MemoryMB));
            if (spec.VCpuCount < 1)
                throw Invalid("A lab guest needs at least one vCPU.");
            if (spec.WorkingSetMB < 1 || spec.DirtyRateMBps < 0)
                throw Invalid("The working set must be at least 1 MiB and the dirty rate not negative.");
        }

        private static MigrationException Invalid(string message) =>
            new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, message);
    }
}
