using System.IO;
using VmMigration.Errors;

namespace VmMigration.Lab
{
    /// <summary>Where the lab guest's kernel is: &lt;module directory&gt;/guest/vmmig-guest.elf unless told otherwise.</summary>
    public static class LabGuestImage
    {
        public const string FileName = "vmmig-guest.elf";

        /// <summary>The directory of the module's assemblies (the engine DLL sits in the module directory).</summary>
        public static string DefaultModuleDirectory =>
            Path.GetDirectoryName(typeof(LabGuestImage).Assembly.Location) ?? ".";

        public static string DefaultPath(string? moduleDirectory = null) =>
            Path.Combine(moduleDirectory ?? DefaultModuleDirectory, "guest", FileName);

        /// <summary>The full path of the guest image to boot; LabGuestImageMissing, with how to build it, when absent.</summary>
        public static string Resolve(string? overridePath = null, string? moduleDirectory = null)
        {
            string path = Path.GetFullPath(overridePath ?? DefaultPath(moduleDirectory));
            if (File.Exists(path)) return path;
            string guestDir = Path.Combine(moduleDirectory ?? DefaultModuleDirectory, "guest");
            throw new MigrationException(ErrorIds.LabGuestImageMissing, ErrorKind.ObjectNotFound,
                "The lab guest image " + path + " does not exist. Build it with 'sh " + Path.Combine(guestDir, "build.sh") + " " + Path.GetDirectoryName(path) +
                "' (needs gcc and binutils), or give the path of a built " + FileName + ".", path);
        }
    }
}
