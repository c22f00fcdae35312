using VmMigration.Errors;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    /// <summary>Who may start a lab: refusals that say what is missing, before anything is launched.</summary>
    public class LabPrerequisitesTests
    {
        [Fact]
        public void Another_platform_is_refused_with_LabRequiresLinux() =>
            Assert.Equal(ErrorIds.LabRequiresLinux, Assert.Throws<MigrationException>(() => LabPrerequisites.EnsureLinuxAndRoot(false, () => 0)).ErrorId);

        [Fact]
        public void A_user_who_is_not_root_is_refused_with_LabRequiresRoot_saying_how_to_run_as_root()
        {
            var error = Assert.Throws<MigrationException>(() => LabPrerequisites.EnsureLinuxAndRoot(true, () => 1000));

            Assert.Equal(ErrorIds.LabRequiresRoot, error.ErrorId);
            Assert.Contains("sudo pwsh", error.Message);
        }

        [Fact]
        public void Root_on_Linux_may_start_a_lab() => LabPrerequisites.EnsureLinuxAndRoot(true, () => 0);
    }
}
