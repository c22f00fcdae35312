using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    /// <summary>-Encryption: Auto encrypts where both hosts can and says when it could not; Required never moves in the clear.</summary>
    public sealed class MigrationEncryptionTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost sourceHost;
        private readonly FakeHost destinationHost;
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;

        public MigrationEncryptionTests()
        {
            // Host names of their own: what a pair could not do is remembered per pair, for the whole process.
            var id = Guid.NewGuid().ToString("N").Substring(0, 8);
            sourceHost = cluster.AddHost($"fake://tls-a-{id}", "tls-a");
            destinationHost = cluster.AddHost($"fake://tls-b-{id}", "tls-b");
            source = new ConnectedHost("tls-a", new HostUri($"fake://tls-a-{id}"), "Fake", sourceHost, null);
            destination = new ConnectedHost("tls-b", new HostUri($"fake://tls-b-{id}"), "Fake", destinationHost, "tcp://127.0.0.1");
        }

        private MigrationResult Move(string vm, MigrationEncryption encryption)
        {
            var guest = sourceHost.AddGuest(vm);
            var request = new LiveMigrationRequest(new LocatedVM(source, guest), destination)
            {
                Encryption = encryption, Timeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(5),
            };
            return new LiveMigrationJob(request, null, TimeSpan.FromMilliseconds(10)).Run(CancellationToken.None);
        }

        [Fact]
        public void Auto_between_hosts_with_certificates_moves_encrypted_and_says_so()
        {
            var result = Move("web1", MigrationEncryption.Auto);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(result.Encrypted);
            Assert.Equal(new[] { true }, sourceHost.EncryptedAttempts);
            Assert.Null(result.Message);
        }

        [Fact]
        public void Auto_to_a_host_without_certificates_moves_in_the_clear_says_why_and_does_not_try_tls_again_for_that_pair()
        {
            destinationHost.HasMigrationCertificates = false;

            var first = Move("web1", MigrationEncryption.Auto);
            var second = Move("web2", MigrationEncryption.Auto);

            Assert.Equal(MigrationStatus.Succeeded, first.Status);
            Assert.False(first.Encrypted);
            Assert.Contains("Moved unencrypted: TLS could not be set up between 'tls-a' and 'tls-b'", first.Message);
            Assert.Contains("/etc/pki/tls-b/ca-cert.pem", first.Message);
            Assert.Equal(first.Message, first.Warning);
            Assert.Equal(VMState.Running, destinationHost.Guest("web1")!.State);
            Assert.Equal(MigrationStatus.Succeeded, second.Status);
            Assert.False(second.Encrypted);
            Assert.Contains("Moved unencrypted", second.Message);
            Assert.Equal(new[] { true, false, false }, sourceHost.EncryptedAttempts);
        }

        [Fact]
        public void Auto_on_a_hypervisor_that_cannot_encrypt_moves_in_the_clear_in_its_words_and_required_refuses()
        {
            // The Hyper-V provider says EncryptionUnavailable before anything moves; the engine goes by that id, not by words.
            sourceHost.CannotEncrypt = true;

            var auto = Move("web1", MigrationEncryption.Auto);
            var required = Move("web2", MigrationEncryption.Required);

            Assert.Equal(MigrationStatus.Succeeded, auto.Status);
            Assert.False(auto.Encrypted);
            Assert.Contains("Moved unencrypted", auto.Warning);
            Assert.Contains("has no encryption of its own", auto.Warning);
            Assert.Equal(MigrationStatus.Failed, required.Status);
            Assert.Equal(ErrorIds.EncryptionUnavailable, required.ErrorId);
            Assert.Equal("tls-a", required.RunningOn);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web2")!.State);
        }

        [Fact]
        public void Required_to_a_host_without_certificates_refuses_and_the_vm_stays_on_its_source_alone()
        {
            destinationHost.HasMigrationCertificates = false;

            var result = Move("web1", MigrationEncryption.Required);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(ErrorIds.EncryptionUnavailable, result.ErrorId);
            Assert.Null(result.Encrypted);
            Assert.Equal("tls-a", result.RunningOn);
            Assert.Contains("-Encryption Required", result.Message);
            Assert.Contains("/etc/pki/tls-b/ca-cert.pem", result.Message);
            Assert.Contains("migrate_tls_x509_cert_dir", result.Message);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
            Assert.Null(destinationHost.Guest("web1"));
            Assert.Equal(new[] { true }, sourceHost.EncryptedAttempts);
        }

        [Fact]
        public void Required_is_tried_again_even_after_auto_found_the_pair_unable()
        {
            destinationHost.HasMigrationCertificates = false;
            Move("web1", MigrationEncryption.Auto);
            destinationHost.HasMigrationCertificates = true;

            var result = Move("web2", MigrationEncryption.Required);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.True(result.Encrypted);
        }

        [Fact]
        public void None_moves_in_the_clear_without_trying_tls_and_without_a_warning()
        {
            var result = Move("web1", MigrationEncryption.None);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.False(result.Encrypted);
            Assert.Equal(new[] { false }, sourceHost.EncryptedAttempts);
            Assert.Null(result.Message);
            Assert.Null(result.Warning);
        }

        [Fact]
        public void A_tls_stream_cut_by_a_dying_destination_is_not_taken_for_missing_certificates()
        {
            // What libvirt says when the destination's QEMU is killed in the middle of an encrypted move.
            sourceHost.Outcome = FakeOutcome.DestinationDies;
            sourceHost.DestinationDeathError = new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation,
                "operation failed: job 'migration out' failed: TLS handshake failed: Error in the pull function", "web1");

            var cut = Move("web1", MigrationEncryption.Auto);
            sourceHost.Outcome = FakeOutcome.Succeed;
            var next = Move("web2", MigrationEncryption.Auto);

            Assert.Equal(MigrationStatus.Failed, cut.Status);
            Assert.Equal("tls-a", cut.RunningOn);
            Assert.Null(cut.Warning);
            Assert.True(next.Encrypted, "the pair is not marked unable to encrypt");
            Assert.Equal(new[] { true, true }, sourceHost.EncryptedAttempts);
        }

        [Fact]
        public void A_failure_that_is_not_about_tls_is_not_retried_in_the_clear()
        {
            sourceHost.Outcome = FakeOutcome.DestinationDies;
            sourceHost.Samples.Add(new JobProgress { Kind = JobKind.Unbounded, MemoryIteration = 1, DataRemaining = 1 << 20, DataProcessed = 1 << 20, DataTotal = 2 << 20 });

            var result = Move("web1", MigrationEncryption.Auto);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(new[] { true }, sourceHost.EncryptedAttempts);
        }
    }
}
