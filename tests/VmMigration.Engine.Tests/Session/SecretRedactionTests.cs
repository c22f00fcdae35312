using System;
using System.IO;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>
    /// What providers say leaves the engine without the secrets of the connections: the registry's connect, every call
    /// through a host's gate and a migration's errors are redacted, whatever the provider put in them.
    /// </summary>
    public sealed class SecretRedactionTests
    {
        private const string Password = "UriPw-q7Zx3";
        private const string Token = "UriTok-m4Kp9";
        private const string CredentialPassword = "CredPw-w2Vb8";
        private static readonly HostUri SecretUri = new HostUri($"fake://ops:{Password}@a/system?token={Token}");
        private static readonly HostCredential Credential = new HostCredential("ops", CredentialPassword);
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

        private readonly FakeCluster cluster = new FakeCluster();
        private readonly HostRegistry registry;

        public SecretRedactionTests()
        {
            registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
        }

        private static SecretRedaction Redaction => SecretRedaction.For(SecretUri, Credential);

        [Fact]
        public void The_uri_as_written_reads_as_shown_and_every_other_mention_of_a_secret_as_stars()
        {
            var said = $"cannot open {SecretUri.ForConnecting}: password {Password}, token {Token}, credential {CredentialPassword}";

            Assert.Equal("cannot open fake://ops:***@a/system?token=***: password ***, token ***, credential ***", Redaction.Redact(said));
        }

        [Fact]
        public void A_short_secret_is_masked_only_where_it_stands_as_one()
        {
            var redaction = SecretRedaction.For(new HostUri("fake://ops:abc@a/system?token=xy"));

            Assert.Equal("fake://ops:***@b saw token=***; abc and xy stay ordinary letters",
                redaction.Redact("fake://ops:abc@b saw token=xy; abc and xy stay ordinary letters"));
        }

        [Fact]
        public void An_error_keeps_its_type_id_and_kind_and_its_texts_and_inner_errors_lose_the_secrets()
        {
            var inner = new IOException($"socket of {SecretUri.ForConnecting} closed");
            var error = new LibvirtException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, $"Could not connect: {Password}", SecretUri.ForConnecting,
                38, 7, $"no connection driver available for {SecretUri.ForConnecting}", inner);

            var shown = Assert.IsType<LibvirtException>(Redaction.Redact(error));

            Assert.Equal((ErrorIds.HostUnreachable, ErrorKind.ConnectionError, 38, 7), (shown.ErrorId, shown.Kind, shown.LibvirtCode, shown.LibvirtDomain));
            Assert.Equal("Could not connect: ***", shown.Message);
            Assert.Equal(SecretUri.Display, shown.Target);
            Assert.Equal($"no connection driver available for {SecretUri.Display}", shown.LibvirtMessage);
            var shownInner = Assert.IsType<RedactedException>(shown.InnerException);
            Assert.Equal("System.IO.IOException", shownInner.OriginalType);
            Assert.Equal($"socket of {SecretUri.Display} closed", shownInner.Message);
        }

        [Fact]
        public void An_error_that_names_no_secret_is_rethrown_as_it_was()
        {
            var error = new MigrationException(ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, "no such guest", "web1", new IOException("closed"));

            Assert.Same(error, Redaction.Redact(error));
            Assert.Same(error, Assert.Throws<MigrationException>(() => Redaction.Run<bool>(() => throw error)));
        }

        [Fact]
        public void A_connect_error_names_neither_the_uri_password_nor_the_credential_password()
        {
            cluster.OnConnect = (uri, credential) => throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                $"cannot connect to {uri} with password {credential!.Password}", uri);

            var error = Assert.Throws<MigrationException>(() => registry.Connect(SecretUri, "a", Credential, Timeout, null, CancellationToken.None));

            Assert.Equal(ErrorIds.HostUnreachable, error.ErrorId);
            Assert.Equal($"cannot connect to {SecretUri.Display} with password ***", error.Message);
            Assert.Equal(SecretUri.Display, error.Target);
        }

        [Fact]
        public void The_error_of_any_call_to_a_connected_host_names_neither_password()
        {
            var fake = cluster.AddHost(SecretUri.ForConnecting, "a");
            fake.AddGuest("web1");
            var host = registry.Connect(SecretUri, "a", Credential, Timeout, null, CancellationToken.None);
            fake.OnStep = call => throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.NotSpecified, $"{call} failed on {SecretUri.ForConnecting} for {CredentialPassword}", "web1");

            var error = Assert.Throws<MigrationException>(() => host.Connection.UndefineGuest("web1"));

            Assert.Equal($"Undefine failed on {SecretUri.Display} for ***", error.Message);
            Assert.Equal(SecretUri.Display, host.Connection.Uri);
        }

        [Fact]
        public void A_migration_error_names_no_password_of_the_source_or_of_the_destination()
        {
            var destination = new HostUri($"fake://ops:{Password}-b@b/system");
            var fake = cluster.AddHost(SecretUri.ForConnecting, "a");
            cluster.AddHost(destination.ForConnecting, "b");
            fake.AddGuest("web1");
            var source = registry.Connect(SecretUri, "a", Credential, Timeout, null, CancellationToken.None);
            fake.OnStep = call => throw new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation, $"cannot migrate from {SecretUri.ForConnecting} to {destination.ForConnecting}", "web1");

            var error = Assert.Throws<MigrationException>(() => source.Connection.MigrateLive("web1", destination.ForConnecting, new LiveMigrationParameters()));

            Assert.Equal($"cannot migrate from {SecretUri.Display} to fake://ops:***@b/system", error.Message);
        }

        [Fact]
        public void The_shown_form_of_a_connected_hosts_uri_stands_for_the_uri_it_was_connected_with()
        {
            cluster.AddHost(SecretUri.ForConnecting, "a");
            var connected = registry.Connect(SecretUri, null, Credential, Timeout, null, CancellationToken.None);

            Assert.Same(connected, registry.Connect(new HostUri(SecretUri.Display), null, null, Timeout, null, CancellationToken.None));
            Assert.Equal("a", connected.Name);
            Assert.Equal(SecretUri, connected.Uri);
        }
    }
}
