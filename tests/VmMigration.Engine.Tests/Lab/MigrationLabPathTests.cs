using System.Linq;
using VmMigration.Errors;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    public class MigrationLabPathTests
    {
        [Theory]
        [InlineData(LabDefaults.Path)]
        [InlineData("/tmp/labtest/")]
        public void Usable_paths_are_accepted_without_trailing_slash(string path)
        {
            Assert.Equal(path.TrimEnd('/'), MigrationLab.ValidatePath(path, 3));
        }

        [Theory]
        [InlineData("relative/lab")]
        [InlineData("/")]
        [InlineData("/tmp/lab with space")]
        [InlineData("/tmp/lab?x")]
        [InlineData("/tmp/../etc")]
        [InlineData("/var/lib/libvirt/lab")] // hidden by its own bind mount inside a host's namespace
        [InlineData("/run")]                 // above a bind-mount target
        public void Unusable_paths_are_invalid_arguments(string path)
        {
            var e = Assert.Throws<MigrationException>(() => MigrationLab.ValidatePath(path, 3));
            Assert.Equal(ErrorIds.InvalidArgument, e.ErrorId);
        }

        [Fact]
        public void Path_too_long_for_a_unix_socket_is_refused()
        {
            var e = Assert.Throws<MigrationException>(() => MigrationLab.ValidatePath("/tmp/" + new string('x', 90), 3));
            Assert.Contains("socket path", e.Message);
        }

        [Fact]
        public void Launcher_arguments_survive_dotnet_argument_splitting()
        {
            // .NET splits ProcessStartInfo.Arguments with the Windows rules; the namespace script relies on quotes,
            // backslashes and newlines reaching sh intact. Round-trip them through a real process.
            if (!System.IO.File.Exists("/usr/bin/printf")) return;
            string[] args = { "a b", "say \"hi\"", "back\\slash\\", "", "line1\nline2 $HOME" };
            var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/printf", LabDaemonLauncher.JoinArguments(new[] { "%s|" }.Concat(args).ToArray()))
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var process = System.Diagnostics.Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(string.Join("|", args) + "|", output);
        }
    }
}
