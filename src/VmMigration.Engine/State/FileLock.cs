using System;
using System.IO;
using System.Threading;
using VmMigration.Errors;

namespace VmMigration.State
{
    /// <summary>An exclusive lock between processes on a state file (a sibling .lock file opened without sharing).</summary>
    public sealed class FileLock : IDisposable
    {
        private readonly FileStream stream;

        private FileLock(FileStream stream)
        {
            this.stream = stream;
        }

        public static FileLock Acquire(string path, TimeSpan timeout)
        {
            var lockPath = path + ".lock";
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(lockPath))!);
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                try
                {
                    return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(20);
                }
                catch (IOException error)
                {
                    throw new MigrationException(ErrorIds.StateLocked, ErrorKind.ResourceBusy,
                        $"Another process holds '{lockPath}' for more than {timeout.TotalSeconds:0} s. Wait for it to finish, or remove the lock file if that process is gone.", lockPath, error);
                }
            }
        }

        public void Dispose() => stream.Dispose();
    }
}
