using VmMigration.Errors;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class LibvirtErrorMapperTests
    {
        private const int FromNone = 0, FromRpc = 7, FromQemu = 10, FromStorage = 18;

        [Theory]
        // libvirt code, libvirt error domain, operation context -> id, kind
        [InlineData(42, FromQemu, "Guest", ErrorIds.VmNotFound, ErrorKind.ObjectNotFound)]
        [InlineData(42, FromQemu, "RunningGuest", ErrorIds.VmNotFound, ErrorKind.ObjectNotFound)]
        [InlineData(78, FromQemu, "Migration", ErrorIds.MigrationAborted, ErrorKind.OperationStopped)]
        [InlineData(78, FromQemu, "RunningGuest", ErrorIds.MigrationAborted, ErrorKind.OperationStopped)]
        [InlineData(55, FromQemu, "RunningGuest", ErrorIds.VmNotRunning, ErrorKind.InvalidOperation)]
        [InlineData(55, FromQemu, "Guest", ErrorIds.LibvirtError, ErrorKind.InvalidOperation)]
        [InlineData(55, FromQemu, "Migration", ErrorIds.MigrationFailed, ErrorKind.InvalidOperation)]
        [InlineData(9, FromQemu, "Migration", ErrorIds.MigrationFailed, ErrorKind.InvalidOperation)]
        [InlineData(91, FromQemu, "Migration", ErrorIds.CpuIncompatible, ErrorKind.InvalidOperation)]
        [InlineData(5, FromRpc, "Connect", ErrorIds.HostUnreachable, ErrorKind.ConnectionError)]
        [InlineData(38, FromRpc, "Connect", ErrorIds.HostUnreachable, ErrorKind.ConnectionError)]
        [InlineData(39, FromRpc, "Connect", ErrorIds.HostUnreachable, ErrorKind.ConnectionError)]
        [InlineData(68, FromRpc, "Connect", ErrorIds.HostConnectTimeout, ErrorKind.OperationTimeout)]
        [InlineData(3, FromNone, "Connect", ErrorIds.LibvirtError, ErrorKind.ConnectionError)]
        [InlineData(45, FromRpc, "Connect", ErrorIds.LibvirtError, ErrorKind.PermissionDenied)]
        [InlineData(79, FromRpc, "Connect", ErrorIds.LibvirtError, ErrorKind.PermissionDenied)]
        [InlineData(94, FromRpc, "Connect", ErrorIds.LibvirtError, ErrorKind.PermissionDenied)]
        [InlineData(88, FromNone, "Guest", ErrorIds.LibvirtError, ErrorKind.PermissionDenied)]
        [InlineData(38, FromRpc, "Guest", ErrorIds.HostUnreachable, ErrorKind.ConnectionError)]
        [InlineData(38, FromStorage, "Guest", ErrorIds.LibvirtError, ErrorKind.NotSpecified)]
        [InlineData(39, FromRpc, "Host", ErrorIds.HostUnreachable, ErrorKind.ConnectionError)]
        [InlineData(68, FromQemu, "Guest", ErrorIds.LibvirtError, ErrorKind.OperationTimeout)]
        [InlineData(28, FromQemu, "Guest", ErrorIds.LibvirtError, ErrorKind.ResourceExists)]
        [InlineData(8, FromQemu, "Guest", ErrorIds.InvalidArgument, ErrorKind.InvalidArgument)]
        [InlineData(84, FromQemu, "RunningGuest", ErrorIds.LibvirtError, ErrorKind.NotImplemented)]
        [InlineData(1, FromQemu, "Guest", ErrorIds.LibvirtError, ErrorKind.NotSpecified)]
        public void Maps_libvirt_codes_to_stable_ids_and_kinds(int code, int domain, string contextName, string id, ErrorKind kind)
        {
            var context = (LibvirtOperationContext)System.Enum.Parse(typeof(LibvirtOperationContext), contextName);
            var exception = LibvirtErrorMapper.Map(new LibvirtError(code, domain, "libvirt says no"), context, "do something to", "vm1", "qemu:///system");

            Assert.Equal(id, exception.ErrorId);
            Assert.Equal(kind, exception.Kind);
            Assert.Equal(code, exception.LibvirtCode);
            Assert.Equal(domain, exception.LibvirtDomain);
            Assert.Equal("libvirt says no", exception.LibvirtMessage);
            Assert.Equal("vm1", exception.Target);
        }

        [Fact]
        public void The_message_says_what_failed_to_what_where_and_carries_libvirts_words()
        {
            var exception = LibvirtErrorMapper.Map(new LibvirtError(42, FromQemu, "Domain not found: no domain with matching name 'web1'"),
                LibvirtOperationContext.Guest, "look up guest", "web1", "qemu+ssh://admin@host7/system");

            Assert.Equal("Could not look up guest 'web1' on qemu+ssh://admin@host7/system: Domain not found: no domain with matching name 'web1'. "
                + "Check the name with Get-MigrationVM.", exception.Message);
        }

        [Theory]
        // Only these messages say where the VM is left running; the job adds "VM x is running on y" to the others.
        [InlineData(78, FromQemu, "Migration", true)]
        [InlineData(78, FromQemu, "RunningGuest", true)]
        [InlineData(9, FromQemu, "Migration", true)]
        [InlineData(91, FromQemu, "Migration", false)]
        [InlineData(38, FromRpc, "Migration", true)]
        [InlineData(5, FromRpc, "Connect", false)]
        [InlineData(42, FromQemu, "Guest", false)]
        [InlineData(55, FromQemu, "RunningGuest", false)]
        public void A_failure_carries_whether_its_message_says_where_the_vm_runs(int code, int domain, string contextName, bool saysWhere)
        {
            var context = (LibvirtOperationContext)System.Enum.Parse(typeof(LibvirtOperationContext), contextName);
            var exception = LibvirtErrorMapper.Map(new LibvirtError(code, domain, "libvirt says no"), context, "do something to", "vm1", "qemu:///system");

            Assert.Equal(saysWhere, exception.SaysWhereVmRuns);
            Assert.Equal(saysWhere, exception.Retold("Told again: " + exception.Message).SaysWhereVmRuns);
        }

        [Fact]
        public void A_migration_failure_names_source_and_destination()
        {
            var exception = LibvirtErrorMapper.Map(new LibvirtError(78, FromQemu, "operation aborted: migration out: canceled by client"),
                LibvirtOperationContext.Migration, "live-migrate guest", "vm1", "qemu:///system", "from hostA to hostB");

            Assert.StartsWith("Could not live-migrate guest 'vm1' from hostA to hostB: operation aborted: migration out: canceled by client.", exception.Message);
        }

        [Theory]
        [InlineData("Guest")]
        [InlineData("Host")]
        [InlineData("RunningGuest")]
        [InlineData("Migration")]
        public void Any_failure_on_a_connection_found_dead_is_an_unreachable_host(string contextName)
        {
            var context = (LibvirtOperationContext)System.Enum.Parse(typeof(LibvirtOperationContext), contextName);

            var exception = LibvirtErrorMapper.Map(new LibvirtError(1, FromRpc, "internal error: client socket is closed"),
                context, "list the guests of", "hostB", "qemu+ssh://hostB/system", where: "", connectionLost: true);

            Assert.Equal(ErrorIds.HostUnreachable, exception.ErrorId);
            Assert.Equal(ErrorKind.ConnectionError, exception.Kind);
            Assert.Contains("client socket is closed", exception.Message);
        }

        [Fact]
        public void A_migration_whose_source_connection_died_warns_that_the_job_may_still_run()
        {
            var exception = LibvirtErrorMapper.Map(new LibvirtError(1, FromRpc, "internal error: client socket is closed"),
                LibvirtOperationContext.Migration, "live-migrate guest", "vm1", "qemu+ssh://hostA/system", connectionLost: true);

            Assert.Contains("may still be running", exception.Message);
        }

        [Fact]
        public void A_password_inside_the_uri_never_reaches_the_message()
        {
            var exception = LibvirtErrorMapper.Map(new LibvirtError(38, FromRpc, "Connection refused"),
                LibvirtOperationContext.Connect, "connect to", "host", "qemu+tcp://admin:S3cret!@10.0.0.5/system");

            Assert.DoesNotContain("S3cret!", exception.Message);
            Assert.Contains("qemu+tcp://admin:***@10.0.0.5/system", exception.Message);
        }
    }
}
