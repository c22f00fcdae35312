using System;
using System.IO;
using VmMigration.Errors;
using VmMigration.State;
using Xunit;

namespace VmMigration.Tests.State
{
    /// <summary>The lock between processes on a state file (the maintenance marks, a journal).</summary>
    public class FileLockTests
    {
        [Fact]
        public void A_lock_held_longer_than_the_timeout_is_StateLocked_naming_the_lock_file()
        {
            var path = Path.Combine(Path.GetTempPath(), "vmm-lock-" + Guid.NewGuid().ToString("N"), "maintenance.json");
            try
            {
                using (FileLock.Acquire(path, TimeSpan.FromSeconds(1)))
                {
                    var error = Assert.Throws<MigrationException>(() => FileLock.Acquire(path, TimeSpan.FromMilliseconds(200)));

                    Assert.Equal(ErrorIds.StateLocked, error.ErrorId);
                    Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
                    Assert.Contains(path + ".lock", error.Message);
                }
                using (FileLock.Acquire(path, TimeSpan.FromMilliseconds(200)))
                {
                    // Released: the next holder gets it at once.
                }
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(path)!, true);
            }
        }
    }
}
