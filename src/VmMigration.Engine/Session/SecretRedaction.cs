using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;

namespace VmMigration.Session
{
    /// <summary>
    /// Takes the secrets of host connections (URI passwords, secret query values, -Credential passwords) out of text and
    /// errors. What a provider says may echo what it was given (libvirt does: "no connection driver available for &lt;uri&gt;"),
    /// so the registry's connect and each host's call gate pass every provider error through this, and no caller has to
    /// remember to.
    /// </summary>
    /// <remarks>
    /// A URI as written becomes its display form; any other occurrence of a secret becomes "***". A secret shorter than
    /// <see cref="ShortestBareSecret"/> characters is masked only where it stands as one (between "user:" and "@", after
    /// "="): as a bare word it would match ordinary text and turn every message into noise.
    /// </remarks>
    internal sealed class SecretRedaction
    {
        public static readonly SecretRedaction None = new SecretRedaction(Array.Empty<HostUri>(), Array.Empty<string>());

        private const int ShortestBareSecret = 4;
        private readonly IReadOnlyList<HostUri> uris;
        private readonly IReadOnlyList<string> secrets;

        private SecretRedaction(IEnumerable<HostUri> uris, IEnumerable<string> secrets)
        {
            this.uris = uris.ToList();
            // Longest first: a secret that contains another is masked whole.
            this.secrets = secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToList();
        }

        /// <summary>The secrets of one connection: those written into its URI and the password of its credential.</summary>
        public static SecretRedaction For(HostUri uri, HostCredential? credential = null) =>
            new SecretRedaction(new[] { uri }, credential == null ? uri.Secrets : uri.Secrets.Concat(new[] { credential.Password }));

        public SecretRedaction And(SecretRedaction other) => new SecretRedaction(uris.Concat(other.uris), secrets.Concat(other.secrets));

        public string Redact(string text)
        {
            if (secrets.Count == 0)
            {
                return text;
            }
            foreach (var uri in uris.Where(u => u.ForConnecting.Length > 0))
            {
                text = text.Replace(uri.ForConnecting, uri.Display);
            }
            foreach (var secret in secrets)
            {
                text = secret.Length >= ShortestBareSecret
                    ? text.Replace(secret, HostUri.Mask)
                    : text.Replace(":" + secret + "@", ":" + HostUri.Mask + "@").Replace("=" + secret, "=" + HostUri.Mask);
            }
            return text;
        }

        /// <summary>
        /// The error as it may be shown: itself when none of its texts (nor its inner errors') names a secret; otherwise a
        /// copy with the secrets masked, of the same type and id for the engine's own errors (<see cref="RedactedException"/> for others).
        /// </summary>
        public Exception Redact(Exception error)
        {
            if (secrets.Count == 0)
            {
                return error;
            }
            var inner = error.InnerException == null ? null : Redact(error.InnerException);
            var own = error as MigrationException;
            var texts = own != null ? own.Texts : new[] { error.Message };
            if (ReferenceEquals(inner, error.InnerException) && texts.All(text => text == null || Redact(text) == text))
            {
                return error;
            }
            return own != null ? own.Redacted(Redact, inner) : new RedactedException(error, Redact(error.Message), inner);
        }

        /// <summary>Runs a provider call; what it throws leaves redacted (rethrown as it was when it names no secret).</summary>
        public T Run<T>(Func<T> call)
        {
            try
            {
                return call();
            }
            catch (Exception error)
            {
                var shown = Redact(error);
                if (ReferenceEquals(shown, error))
                {
                    throw;
                }
                throw shown;
            }
        }
    }
}
