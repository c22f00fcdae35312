using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace VmMigration
{
    /// <summary>
    /// A host's connection URI as the engine holds it. What can be read of it is the redacted form (<see cref="Display"/>,
    /// also its ToString, so an interpolated HostUri is safe): a password in the user part and the value of a query parameter
    /// that carries a secret read "***". The URI as written, secrets included, is internal to the engine, where only the
    /// provider that (re)connects with it reads it (<see cref="ForConnecting"/>).
    /// </summary>
    /// <remarks>
    /// A query parameter carries a secret when its name contains, in any case, one of <see cref="SecretParameterMarks"/>
    /// (password=, passwd=, passphrase=, pwd=, secret=, client_secret=, token=, access_token=, credential=, apikey=, api_key=).
    /// libvirt's own parameters (socket, keyfile, pkipath, known_hosts, no_verify, command, name, mode ...) carry none and
    /// are shown as written: they say how to reach the host, which is what a message about it needs.
    /// </remarks>
    public sealed class HostUri : IEquatable<HostUri>
    {
        /// <summary>What a secret reads as wherever it would have been shown.</summary>
        public const string Mask = "***";

        private static readonly string[] SecretParameterMarks = { "pass", "pwd", "secret", "token", "credential", "apikey", "api_key" };

        private readonly string written;

        public HostUri(string uri)
        {
            written = uri ?? throw new ArgumentNullException(nameof(uri));
            var secrets = new List<string>();
            Display = Redact(uri, secrets);
            Secrets = secrets.SelectMany(s => new[] { s, Unescape(s) }).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        }

        /// <summary>The URI with its secrets masked: the only form of it that leaves the engine.</summary>
        public string Display { get; }

        /// <summary>
        /// Why connecting this way exposes the host, or null. libvirt's tcp transport (qemu+tcp://) is never encrypted and is
        /// authenticated only when the host's libvirtd requires SASL, which a client cannot tell from the URI: whoever reaches
        /// the port may control the hypervisor, as root through /system. Local sockets (qemu:///system, qemu+unix), ssh and
        /// tls are not warned about.
        /// </summary>
        public string? InsecureTransportWarning
        {
            get
            {
                var scheme = SchemeOf(written);
                var plus = scheme?.IndexOf('+') ?? -1;
                if (plus < 0 || !string.Equals(scheme!.Substring(plus + 1), "tcp", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }
                var family = scheme.Substring(0, plus).ToLowerInvariant();
                var asRoot = IsSystemPath(written) ? ", as root through /system" : "";
                return $"{Display} uses libvirt's tcp transport, which is not encrypted and, unless the host's libvirtd requires SASL, " +
                    $"not authenticated: anyone who can reach its port can control the hypervisor{asRoot}. Connect with {family}+ssh:// or {family}+tls:// instead.";
            }
        }

        /// <summary>The URI as written, secrets included: for the provider that opens the connection, and for nothing else.</summary>
        internal string ForConnecting => written;

        /// <summary>The secrets written into the URI (as written and percent-decoded), for removing them from what providers say.</summary>
        internal IReadOnlyList<string> Secrets { get; }

        /// <summary>A URI given as text, made safe to show; an empty one is libvirt's default URI.</summary>
        public static string Redact(string? uri) => string.IsNullOrEmpty(uri) ? "(default URI)" : new HostUri(uri!).Display;

        public bool Equals(HostUri? other) => other != null && string.Equals(written, other.written, StringComparison.Ordinal);

        public override bool Equals(object? obj) => Equals(obj as HostUri);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(written);

        public override string ToString() => Display;

        /// <summary>The URI with "***" for the password of its user part and for each secret query value, which go to <paramref name="secrets"/>.</summary>
        private static string Redact(string uri, List<string> secrets)
        {
            var shown = new StringBuilder(uri.Length);
            var position = 0;
            var scheme = SchemeOf(uri);
            if (scheme != null && string.CompareOrdinal(uri, scheme.Length, "://", 0, 3) == 0)
            {
                var authorityStart = scheme.Length + 3;
                var authorityEnd = IndexOfAny(uri, "/?#", authorityStart);
                var at = uri.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
                var colon = at < 0 ? -1 : uri.IndexOf(':', authorityStart, at - authorityStart);
                if (colon >= 0)
                {
                    secrets.Add(uri.Substring(colon + 1, at - colon - 1));
                    shown.Append(uri, 0, colon + 1).Append(Mask);
                    position = at;
                }
            }

            var queryStart = uri.IndexOf('?', position);
            var fragmentStart = uri.IndexOf('#', position);
            if (queryStart < 0 || (fragmentStart >= 0 && fragmentStart < queryStart))
            {
                return shown.Append(uri, position, uri.Length - position).ToString();
            }
            var queryEnd = IndexOfAny(uri, "#", queryStart);
            shown.Append(uri, position, queryStart + 1 - position);
            var parameters = uri.Substring(queryStart + 1, queryEnd - queryStart - 1).Split('&');
            shown.Append(string.Join("&", parameters.Select(parameter => RedactParameter(parameter, secrets))));
            return shown.Append(uri, queryEnd, uri.Length - queryEnd).ToString();
        }

        private static string RedactParameter(string parameter, List<string> secrets)
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0 || equals == parameter.Length - 1)
            {
                return parameter;
            }
            var name = Unescape(parameter.Substring(0, equals));
            if (!SecretParameterMarks.Any(mark => name.IndexOf(mark, StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return parameter;
            }
            secrets.Add(parameter.Substring(equals + 1));
            return parameter.Substring(0, equals + 1) + Mask;
        }

        private static string? SchemeOf(string uri)
        {
            var colon = uri.IndexOf(':');
            if (colon <= 0 || !char.IsLetter(uri[0]))
            {
                return null;
            }
            var scheme = uri.Substring(0, colon);
            return scheme.All(c => char.IsLetterOrDigit(c) || c == '+' || c == '-' || c == '.') ? scheme : null;
        }

        private static bool IsSystemPath(string uri)
        {
            var scheme = SchemeOf(uri);
            if (scheme == null || string.CompareOrdinal(uri, scheme.Length, "://", 0, 3) != 0)
            {
                return false;
            }
            var pathStart = IndexOfAny(uri, "/?#", scheme.Length + 3);
            var pathEnd = IndexOfAny(uri, "?#", pathStart);
            return string.Equals(uri.Substring(pathStart, pathEnd - pathStart).TrimEnd('/'), "/system", StringComparison.Ordinal);
        }

        /// <summary>The first of <paramref name="characters"/> at or after <paramref name="start"/>; the end of the text when none.</summary>
        private static int IndexOfAny(string text, string characters, int start)
        {
            var index = text.IndexOfAny(characters.ToCharArray(), start);
            return index < 0 ? text.Length : index;
        }

        private static string Unescape(string text)
        {
            try
            {
                return System.Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                return text;
            }
        }
    }
}
