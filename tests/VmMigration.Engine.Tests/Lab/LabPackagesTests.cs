using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using VmMigration.Errors;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    /// <summary>
    /// The lab's packages are one list: the engine's (embedded) and build.ps1's (Prerequisites.psm1 reads the file) are the
    /// same, and a program the lab misses is named with the package that list says brings it.
    /// </summary>
    public class LabPackagesTests
    {
        [Fact]
        public void The_engine_reads_the_same_list_as_the_file_build_ps1_installs_from()
        {
            using var file = JsonDocument.Parse(File.ReadAllText(SourceFile()), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var expected = file.RootElement.GetProperty("Packages").EnumerateArray()
                .Select(p => $"{p.GetProperty("Name").GetString()}: {string.Join(" ", p.GetProperty("Programs").EnumerateArray().Select(x => x.GetString()))} ({p.GetProperty("NeededBy").GetString()})")
                .ToList();

            var engine = LabPackages.All.Select(p => $"{p.Name}: {string.Join(" ", p.Programs)} ({p.NeededBy})").ToList();

            Assert.Equal(expected, engine);
            Assert.Contains("libvirt-daemon-driver-qemu", LabPackages.ForLab);
            Assert.DoesNotContain("gcc", LabPackages.ForLab);
        }

        [Theory]
        [InlineData("libvirtd", "libvirt-daemon")]
        [InlineData("qemu-system-x86_64", "qemu-system-x86")]
        [InlineData("qemu-io", "qemu-utils")]
        [InlineData("mount", "mount")]
        [InlineData("setsid", "util-linux")]
        [InlineData("useradd", "passwd")]
        public void A_missing_program_is_named_with_its_package_and_the_command_that_installs_the_lab(string program, string package)
        {
            var error = LabPrerequisites.NotInstalled(program, program);

            Assert.Equal(ErrorIds.LibvirtNotInstalled, error.ErrorId);
            Assert.Contains($"{program} was not found; it comes with the package {package}.", error.Message);
            Assert.Contains("apt-get install " + string.Join(" ", LabPackages.ForLab), error.Message);
        }

        [Fact]
        public void A_misspelled_key_in_the_list_is_an_error_not_a_shorter_list()
        {
            Assert.Throws<JsonException>(() => LabPackages.Parse("""{ "Packages": [ { "Name": "gcc", "Program": ["gcc"], "NeededBy": "Guest" } ] }"""));
            Assert.Throws<JsonException>(() => LabPackages.Parse("""{ "Packages": [ { "Name": "gcc", "Programs": ["gcc"], "NeededBy": "Build" } ] }"""));
        }

        /// <summary>The file in the repository, next to the engine's sources: the one Prerequisites.psm1 reads.</summary>
        private static string SourceFile() => Path.Combine(RepositoryFolder.Root().FullName, "src", "VmMigration.Engine", "Lab", "LabPackages.json");
    }
}
