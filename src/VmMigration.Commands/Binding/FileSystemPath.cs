using System;
using System.Linq;
using System.Management.Automation;
using VmMigration.Errors;

namespace VmMigration.Commands
{
    /// <summary>
    /// Turns a file parameter into a file system path the way PowerShell's own file cmdlets do: relative to the current
    /// PowerShell location (Set-Location), not the process's working directory; ~, PSDrives and provider-qualified paths
    /// (a file's PSPath) expanded. -Path may hold wildcards that match one file; -LiteralPath and the single-purpose file
    /// parameters (-InventoryPath, -RulePath, -JournalPath, a lab's -Path) are taken as written, so [ and ] are plain
    /// characters. Every VmMigration file parameter goes through here; cmdlets and completers alike.
    /// </summary>
    internal static class FileSystemPath
    {
        public const string PathSet = "Path";
        public const string LiteralPathSet = "LiteralPath";

        /// <summary>The file system path <paramref name="path"/> names; the file need not exist.</summary>
        /// <param name="expandWildcards">true for a -Path parameter: wildcards that match exactly one item pick that item</param>
        public static string Resolve(PathIntrinsics paths, string path, bool expandWildcards)
        {
            try
            {
                if (expandWildcards && WildcardPattern.ContainsWildcardCharacters(path))
                {
                    var matched = MatchExisting(paths, path);
                    if (matched != null) return matched;
                }
                var resolved = paths.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                RequireFileSystem(path, provider);
                return resolved;
            }
            catch (SessionStateException error)
            {
                // An unknown drive or provider (nosuchdrive:/x.json).
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"Cannot use the path '{path}': {error.Message}", path, error);
            }
        }

        /// <summary>The one existing item a wildcard path matches; null when none does (then it is a new file's name).</summary>
        private static string? MatchExisting(PathIntrinsics paths, string path)
        {
            System.Collections.ObjectModel.Collection<string> matches;
            ProviderInfo provider;
            try
            {
                matches = paths.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                return null;
            }
            if (matches.Count == 0) return null;
            RequireFileSystem(path, provider);
            if (matches.Count > 1)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"The path '{path}' matches {matches.Count} files ({string.Join(", ", matches.Take(3))}{(matches.Count > 3 ? ", ..." : "")}); name one file, or use -LiteralPath when [ ] are part of the name.",
                    path);
            return matches[0];
        }

        private static void RequireFileSystem(string path, ProviderInfo provider)
        {
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                    $"The path '{path}' is on the {provider.Name} provider; VmMigration reads and writes files, so give a file system path.", path);
        }
    }
}
