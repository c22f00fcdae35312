using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>How the WS-Man (WinRM) session to a Hyper-V host is opened, in the engine's terms.</summary>
    public enum HyperVAuthentication
    {
        /// <summary>Kerberos when no -Credential is given (the caller's own logon); with one, WinRM's default (Negotiate).</summary>
        Default,
        Negotiate,
        Kerberos,
        /// <summary>User name and password in the clear inside the transport: WinRM accepts it over HTTPS only (https=true).</summary>
        Basic,
    }

    /// <summary>
    /// A hyperv:// URI read: hyperv://host[:port][/][?auth=default|negotiate|kerberos|basic][&amp;https=true]. The port is
    /// WinRM's (5985 over HTTP, 5986 over HTTPS when not given). The host name is also what the source host is told as the
    /// migration's DestinationHost, so it must be a name or address the hosts know each other by.
    /// </summary>
    public sealed class HyperVEndpoint
    {
        public const uint HttpPort = 5985;
        public const uint HttpsPort = 5986;

        private HyperVEndpoint(string host, uint port, bool https, HyperVAuthentication authentication)
        {
            Host = host;
            Port = port;
            Https = https;
            Authentication = authentication;
        }

        public string Host { get; }
        public uint Port { get; }
        public bool Https { get; }
        public HyperVAuthentication Authentication { get; }

        /// <summary>Reads the URI; a bad one is an InvalidArgument error naming what is wrong (never showing a secret).</summary>
        public static HyperVEndpoint Parse(string uri)
        {
            var display = HostUri.Redact(uri);
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !string.Equals(parsed.Scheme, "hyperv", StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrEmpty(parsed.Host))
            {
                throw Invalid(display, "it is not of the form hyperv://host[:port][?auth=negotiate|kerberos|basic|default][&https=true]");
            }
            if (parsed.UserInfo.Length > 0)
            {
                throw Invalid(display, "a user name goes in -Credential, not in the URI");
            }
            if (parsed.AbsolutePath.Trim('/').Length > 0)
            {
                throw Invalid(display, $"it has the path '{parsed.AbsolutePath}'; Hyper-V URIs take no path (the namespace is always root/virtualization/v2)");
            }
            var query = QueryOf(parsed, display);
            var https = false;
            if (query.TryGetValue("https", out var httpsText) && !bool.TryParse(httpsText, out https))
            {
                throw Invalid(display, $"https={httpsText} is neither true nor false");
            }
            var authentication = HyperVAuthentication.Default;
            if (query.TryGetValue("auth", out var authText) && !Enum.TryParse(authText, ignoreCase: true, out authentication)
                || !Enum.IsDefined(typeof(HyperVAuthentication), authentication))
            {
                throw Invalid(display, $"auth={authText} is not one of default, negotiate, kerberos, basic");
            }
            if (authentication == HyperVAuthentication.Basic && !https)
            {
                throw Invalid(display, "auth=basic sends the password readable by anyone on the path unless the session is HTTPS; add https=true");
            }
            var port = parsed.IsDefaultPort || parsed.Port < 0 ? (https ? HttpsPort : HttpPort) : (uint)parsed.Port;
            return new HyperVEndpoint(parsed.Host, port, https, authentication);
        }

        /// <summary>auth=basic needs a user name and password: without -Credential only the caller's own logon exists.</summary>
        public void RequireCredentialFor(string uri, bool hasCredential)
        {
            if (Authentication == HyperVAuthentication.Basic && !hasCredential)
            {
                throw Invalid(HostUri.Redact(uri), "auth=basic needs -Credential (a user name and password); without one, leave auth out to use your own logon");
            }
        }

        private static Dictionary<string, string> QueryOf(Uri parsed, string display)
        {
            var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in parsed.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                var name = Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals));
                var value = equals < 0 ? "" : Uri.UnescapeDataString(pair.Substring(equals + 1));
                if (!new[] { "auth", "https" }.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw Invalid(display, $"it has the parameter '{name}', which Hyper-V URIs do not take (auth and https only)");
                }
                query[name] = value;
            }
            return query;
        }

        private static MigrationException Invalid(string display, string why) =>
            new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"Cannot connect '{display}': {why}.", display);
    }
}
