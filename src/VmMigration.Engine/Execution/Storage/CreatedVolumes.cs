using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// The storage volumes a command made on one host, so that a command that does not finish takes back exactly what it
    /// made: each is named here the moment it exists, and deleted again (newest first, best effort) unless the command
    /// hands it over as in use.
    /// </summary>
    public sealed class CreatedVolumes
    {
        private readonly ConnectedHost host;
        private readonly List<string> paths = new List<string>();

        public CreatedVolumes(ConnectedHost host) => this.host = host;

        public void Add(string path) => paths.Add(path);

        public bool Contains(string path) => paths.Contains(path, StringComparer.Ordinal);

        /// <summary>Hands a volume over: it is in use now (or may still be written), and is never deleted from here.</summary>
        public void Keep(string path) => paths.Remove(path);

        /// <summary>Deletes every volume not kept, newest first; what could not be deleted, as sentences for the result's message.</summary>
        public IReadOnlyList<string> DeleteAll() => Delete(paths.ToList());

        /// <summary>Deletes those of <paramref name="which"/> that were made here and not kept, newest first; the failures, as sentences.</summary>
        public IReadOnlyList<string> Delete(IEnumerable<string> which)
        {
            var wanted = new HashSet<string>(which, StringComparer.Ordinal);
            var failures = new List<string>();
            foreach (var path in Enumerable.Reverse(paths).Where(wanted.Contains).ToList())
            {
                var failure = TryDelete(host, path);
                if (failure == null) paths.Remove(path);
                else failures.Add(failure);
            }
            return failures;
        }

        /// <summary>Deletes a volume of <paramref name="host"/>; null when it went, else why not, as a sentence for a result's message.</summary>
        public static string? TryDelete(ConnectedHost host, string path)
        {
            try
            {
                host.Connection.DeleteStorageVolume(path);
                return null;
            }
            catch (MigrationException error)
            {
                return $"could not remove '{path}' on '{host.Name}': {error.Message}";
            }
        }
    }
}
