using System.Text.RegularExpressions;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Makes a connection URI safe to show: a password written into its user-info part never reaches a message.</summary>
    internal static class UriRedaction
    {
        private static readonly Regex UserInfoPassword = new Regex(@"^(?<scheme>[^:/?#]+://)(?<user>[^:@/]*):[^@/]*@", RegexOptions.Compiled);

        public static string Redact(string? uri)
        {
            if (string.IsNullOrEmpty(uri)) return "(default URI)";
            return UserInfoPassword.Replace(uri!, "${scheme}${user}:***@");
        }
    }
}
