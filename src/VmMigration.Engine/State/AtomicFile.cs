using System;
using System.IO;
using System.Text;

namespace VmMigration.State
{
    /// <summary>
    /// Crash-safe file replacement: write a temporary file beside the target, flush it to disk, then rename it over the
    /// target. A reader (or a process killed mid-write) sees the old content or the new, never half of either.
    /// </summary>
    public static class AtomicFile
    {
        public static void WriteAllText(string path, string content)
        {
            var full = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(directory);
            var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    var bytes = new UTF8Encoding(false).GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                if (File.Exists(full))
                {
                    File.Replace(temporary, full, null, true);
                }
                else
                {
                    File.Move(temporary, full);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }
        }
    }
}
