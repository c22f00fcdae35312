using System;
using System.IO;
using System.Reflection;

namespace VmMigration.Commands.Loading
{
    /// <summary>
    /// On .NET Framework (Windows PowerShell 5.1) an assembly's dependencies are bound at the exact versions it was built
    /// against, and a module cannot ship the binding redirects an application would: System.Memory asks for
    /// System.Runtime.CompilerServices.Unsafe 4.0.4.1 while System.Text.Json 8 brings 6.0.0.0, and so on through the closure.
    /// This resolver answers such a failed bind with the module folder's copy when it is the same assembly at the same or a
    /// later version (what a binding redirect would have said). It references nothing but the base library.
    /// </summary>
    internal static class ModuleAssemblyResolver
    {
        private static readonly object Gate = new object();
        private static string? registeredFolder;

        /// <summary>The file in <paramref name="folder"/> that may stand in for <paramref name="requested"/>; null when none may.</summary>
        public static string? FileFor(string folder, AssemblyName requested)
        {
            if (string.IsNullOrEmpty(requested.Name)) return null;
            var path = Path.Combine(folder, requested.Name + ".dll");
            if (!File.Exists(path)) return null;
            AssemblyName found;
            try
            {
                found = AssemblyName.GetAssemblyName(path);
            }
            catch (BadImageFormatException)
            {
                return null;
            }
            if (!string.Equals(found.Name, requested.Name, StringComparison.OrdinalIgnoreCase)) return null;
            if (requested.Version != null && (found.Version == null || found.Version < requested.Version)) return null;
            var wantedKey = requested.GetPublicKeyToken();
            if (wantedKey != null && wantedKey.Length > 0 && !SameBytes(wantedKey, found.GetPublicKeyToken())) return null;
            return path;
        }

        /// <summary>Answers failed binds from <paramref name="folder"/> for the rest of the process (once; later calls are no-ops).</summary>
        public static void Register(string folder)
        {
            lock (Gate)
            {
                if (registeredFolder != null) return;
                registeredFolder = folder;
                AppDomain.CurrentDomain.AssemblyResolve += (_, args) =>
                {
                    var path = FileFor(folder, new AssemblyName(args.Name));
                    return path == null ? null : Assembly.LoadFrom(path);
                };
            }
        }

        private static bool SameBytes(byte[] a, byte[]? b)
        {
            if (b == null || a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) return false;
            }
            return true;
        }
    }
}
