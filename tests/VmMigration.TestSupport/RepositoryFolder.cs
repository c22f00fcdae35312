using System;
using System.IO;

namespace VmMigration.Tests
{
    /// <summary>The repository the tests were built from, for tests that check the sources (help, lists, ids) against the code.</summary>
    public static class RepositoryFolder
    {
        /// <summary>The repository's root: the nearest folder above the test binaries that holds VmMigration.sln.</summary>
        public static DirectoryInfo Root()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "VmMigration.sln")))
                {
                    return folder;
                }
            }
            throw new InvalidOperationException($"No VmMigration.sln above {AppContext.BaseDirectory}: the tests must run from a build of the repository.");
        }
    }
}
