using System;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using VmMigration.Errors;
using VmMigration.Session;

namespace VmMigration.Execution.Live
{
    /// <summary>
    /// Which moves go encrypted, and what a failed TLS set-up means. libvirt cannot be asked beforehand whether a host has
    /// its migration certificates (they are files its QEMU reads); a TLS move to a host without them fails at once, while
    /// the destination prepares and before any memory leaves the source, with QEMU naming the file it could not read.
    /// So Auto tries TLS and, on that failure only, moves in the clear and says so; Required stops there. A pair found
    /// unable is remembered for <see cref="RememberUnable"/>, so a drain of many VMs tries once, not once per VM.
    /// </summary>
    public static class MigrationTls
    {
        /// <summary>How long a pair that could not encrypt is moved in the clear by Auto without trying TLS again.</summary>
        public static readonly TimeSpan RememberUnable = TimeSpan.FromMinutes(10);

        private static readonly ConcurrentDictionary<(string Source, string Destination), (DateTime Until, string Reason)> unable =
            new ConcurrentDictionary<(string, string), (DateTime, string)>();

        // QEMU's words when it cannot load the certificates of its tls-creds-x509 object (libvirt passes them on), or when
        // a peer's certificate is not trusted. Not a bare "TLS handshake failed": that is also what a source says when the
        // destination's QEMU dies mid-stream, and such a move must not be retried in the clear.
        private static readonly Regex CredentialsError = new Regex(
            @"Unable to (access|read|load|import) (credentials|certificate|private key|the certificate)|certificate is not trusted|certificate (has expired|is not yet activated|owner is unexpected)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>True for a migration that failed because TLS could not be set up (missing, unreadable or untrusted certificates).</summary>
        /// <summary>
        /// A provider whose hypervisor cannot encrypt the stream at all (Hyper-V) says so with EncryptionUnavailable before
        /// anything moves, which counts the same.
        /// </summary>
        public static bool IsSetupFailure(MigrationException error) =>
            error.ErrorId == ErrorIds.EncryptionUnavailable || CredentialsError.IsMatch(error.Message);

        /// <summary>Whether this move starts encrypted: not when None, nor when Auto and the pair was found unable lately.</summary>
        public static bool StartsEncrypted(MigrationEncryption encryption, ConnectedHost source, ConnectedHost destination, out string? knownReason)
        {
            knownReason = null;
            if (encryption == MigrationEncryption.None) return false;
            if (encryption == MigrationEncryption.Auto && unable.TryGetValue(Key(source, destination), out var known))
            {
                if (known.Until > DateTime.UtcNow)
                {
                    knownReason = known.Reason;
                    return false;
                }
                unable.TryRemove(Key(source, destination), out _);
            }
            return true;
        }

        /// <summary>What this process learnt of the pair: false (with libvirt's words) when a TLS move failed lately, else null (not known).</summary>
        public static bool? CanEncrypt(ConnectedHost source, ConnectedHost destination, out string? reason)
        {
            reason = null;
            if (!unable.TryGetValue(Key(source, destination), out var known) || known.Until <= DateTime.UtcNow) return null;
            reason = known.Reason;
            return false;
        }

        /// <summary>Remembers that the pair cannot encrypt, with libvirt's words, for Auto's next moves.</summary>
        public static void RecordUnable(ConnectedHost source, ConnectedHost destination, string reason) =>
            unable[Key(source, destination)] = (DateTime.UtcNow + RememberUnable, reason);

        /// <summary>Forgets what was learnt (a host got its certificates; tests).</summary>
        public static void Forget() => unable.Clear();

        /// <summary>What the user is told when Auto moved in the clear.</summary>
        public static string FellBack(ConnectedHost source, ConnectedHost destination, string reason) =>
            $"Moved unencrypted: TLS could not be set up between '{source.Name}' and '{destination.Name}' ({reason.TrimEnd('.')}). " +
            $"Give both hosts what encryption needs (libvirt hosts: their migration certificates), or use -Encryption None to say that the clear is meant.";

        /// <summary>Required, and the pair cannot encrypt: the VM stays where it is.</summary>
        public static MigrationException Unavailable(string vmName, ConnectedHost source, ConnectedHost destination, string reason) =>
            new MigrationException(ErrorIds.EncryptionUnavailable, ErrorKind.ResourceUnavailable,
                $"VM '{vmName}' was not moved: -Encryption Required, and TLS could not be set up between '{source.Name}' and '{destination.Name}' " +
                $"({reason.TrimEnd('.')}). Each libvirt host needs, in the directory its qemu.conf names as migrate_tls_x509_cert_dir, the CA's " +
                "ca-cert.pem and its own server-cert.pem, server-key.pem, client-cert.pem and client-key.pem. The VM keeps running on " +
                $"'{source.Name}'.", vmName, saysWhereVmRuns: true);

        private static (string, string) Key(ConnectedHost source, ConnectedHost destination) =>
            (source.Uri.ForConnecting, destination.Uri.ForConnecting);
    }
}
