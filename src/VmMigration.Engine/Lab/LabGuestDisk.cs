using System;
using System.Globalization;
using System.Linq;
using System.Text;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Lab
{
    /// <summary>
    /// A lab guest's data disk: a qcow2 volume in its host's lab pool whose first half holds a known pattern (MiB i is filled
    /// with byte PatternByte(i)) and whose second half is never written, so copies can be checked for content and sparseness.
    /// </summary>
    public static class LabGuestDisk
    {
        public static string VolumeName(string guestName) => guestName + ".qcow2";

        /// <summary>The MiB written with data; the rest stays a hole.</summary>
        public static int DataMB(int diskSizeMB) => Math.Max(1, diskSizeMB / 2);

        public static byte PatternByte(int mebibyteIndex) => (byte)(mebibyteIndex % 255 + 1);

        /// <summary>Creates the volume and writes its pattern; the volume is deleted again when writing fails.</summary>
        public static string Create(IHostConnection host, string guestName, int diskSizeMB)
        {
            if (diskSizeMB < 1)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"A lab disk needs at least 1 MiB; {diskSizeMB} was asked.", guestName);
            string qemuIo = LabPrerequisites.FindQemuIo();
            var volume = host.CreateStorageVolume(LabDefaults.StoragePoolName,
                StorageVolumeSpec.CopyOf(VolumeName(guestName), "qcow2", (long)diskSizeMB << 20));
            try
            {
                WritePattern(qemuIo, volume.Path, DataMB(diskSizeMB));
            }
            catch
            {
                try { host.DeleteStorageVolume(volume.Path); } catch (MigrationException) { }
                throw;
            }
            return volume.Path;
        }

        private static void WritePattern(string qemuIo, string path, int dataMB)
        {
            // One qemu-io process for all the writes; a command per MiB keeps the pattern position-dependent.
            var arguments = new StringBuilder("-f qcow2");
            for (int index = 0; index < dataMB; index++)
                arguments.AppendFormat(CultureInfo.InvariantCulture, " -c \"write -q -P 0x{0:x2} {1}M 1M\"", PatternByte(index), index);
            arguments.Append(" \"").Append(path).Append('"');
            var (exitCode, text) = LabProgram.Run(qemuIo, arguments.ToString(), timeoutMs: 600000);
            if (exitCode == null) text = "it did not finish within 10 minutes";
            if (exitCode != 0 || text.Length > 0)
                throw new MigrationException(ErrorIds.LabStartFailed, ErrorKind.InvalidOperation,
                    $"Writing the test pattern into '{path}' with qemu-io failed: {string.Join(" ", text.Split('\n').Take(3))}", path);
        }
    }
}
