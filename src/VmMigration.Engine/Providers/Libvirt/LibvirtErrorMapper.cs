using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Turns a libvirt error into a <see cref="LibvirtException"/> with a stable id, a kind and a message for people.</summary>
    internal static class LibvirtErrorMapper
    {
        /// <summary>Captures this thread's last libvirt error and maps it.</summary>
        public static LibvirtException FromLastError(LibvirtOperationContext context, string action, string target, string hostUri, string? where = null)
            => Map(LibvirtError.CaptureLast(), context, action, target, hostUri, where);

        /// <param name="action">What we tried, as a verb phrase: "migrate", "look up guest".</param>
        /// <param name="target">The guest or host it concerned.</param>
        /// <param name="where">Replaces "on &lt;host&gt;" when that is not the right place, e.g. "from A to B"; empty when the target is the host.</param>
        /// <param name="connectionLost">The connection was found dead after the failure: whatever libvirt said, the host is unreachable.</param>
        public static LibvirtException Map(LibvirtError error, LibvirtOperationContext context, string action, string target, string hostUri,
            string? where = null, bool connectionLost = false)
        {
            var (id, kind, advice) = connectionLost ? ConnectionLostIn(context) : Classify(error.Code, error.Domain, context);
            var place = where ?? "on " + HostUri.Redact(hostUri);
            var message = $"Could not {action} '{target}'{(place.Length == 0 ? "" : " " + place)}: {error.Message.TrimEnd('.')}.{advice.Text}";
            return new LibvirtException(id, kind, message, target, error.Code, error.Domain, error.Message, saysWhereVmRuns: advice.SaysWhereVmRuns);
        }

        private static readonly (string, ErrorKind, Advice) ConnectionLost =
            (ErrorIds.HostUnreachable, ErrorKind.ConnectionError, " The connection to the host failed; reconnect with Connect-MigrationHost.");

        internal static (string Id, ErrorKind Kind, Advice Advice) ConnectionLostIn(LibvirtOperationContext context)
            => context == LibvirtOperationContext.Migration
                ? (ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                    " The connection to the source host was lost; a peer-to-peer migration may still be running there. Reconnect and check the VM's job.")
                : ConnectionLost;

        internal static (string Id, ErrorKind Kind, Advice Advice) Classify(int code, int errorDomain, LibvirtOperationContext context)
        {
            switch (code)
            {
                case LibvirtConstants.ErrOperationAborted:
                    return (ErrorIds.MigrationAborted, ErrorKind.OperationStopped, Advice.WhereVmRuns(" The job was cancelled; the VM keeps running where it was."));
                case LibvirtConstants.ErrAuthFailed:
                case LibvirtConstants.ErrAuthCancelled:
                case LibvirtConstants.ErrAuthUnavailable:
                case LibvirtConstants.ErrAccessDenied:
                case LibvirtConstants.ErrOperationDenied:
                    return (ErrorIds.LibvirtError, ErrorKind.PermissionDenied,
                        " Check the user name and password (-Credential) and the host's libvirt access policy.");
            }

            if (context == LibvirtOperationContext.Connect)
            {
                switch (code)
                {
                    case LibvirtConstants.ErrNoConnect:
                    case LibvirtConstants.ErrSystemError:
                    case LibvirtConstants.ErrRpc:
                        return (ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                            " Check that the host is up, libvirtd runs there and the URI is right.");
                    case LibvirtConstants.ErrOperationTimeout:
                        return (ErrorIds.HostConnectTimeout, ErrorKind.OperationTimeout, " Check that the host is up and answers.");
                    default:
                        return (ErrorIds.LibvirtError, ErrorKind.ConnectionError, " Check the URI.");
                }
            }

            if (context == LibvirtOperationContext.Migration)
            {
                return code == LibvirtConstants.ErrCpuIncompatible
                    ? (ErrorIds.CpuIncompatible, ErrorKind.InvalidOperation, " The destination's CPU cannot run this VM's CPU model.")
                    : (ErrorIds.MigrationFailed, ErrorKind.InvalidOperation, Advice.WhereVmRuns(" The VM keeps running on the source unless the message says otherwise."));
            }

            switch (code)
            {
                case LibvirtConstants.ErrNoDomain:
                    return (ErrorIds.VmNotFound, ErrorKind.ObjectNotFound, " Check the name with Get-MigrationVM.");
                case LibvirtConstants.ErrNoStoragePool:
                    return (ErrorIds.StoragePoolNotFound, ErrorKind.ObjectNotFound, " Name an existing pool of that host with -StoragePool.");
                case LibvirtConstants.ErrNoStorageVolume:
                    return (ErrorIds.LibvirtError, ErrorKind.ObjectNotFound, " The volume is gone; refresh the pool and try again.");
                case LibvirtConstants.ErrOperationInvalid when context == LibvirtOperationContext.RunningGuest:
                    return (ErrorIds.VmNotRunning, ErrorKind.InvalidOperation, " Start the VM or wait for its job first.");
                case LibvirtConstants.ErrOperationInvalid:
                    return (ErrorIds.LibvirtError, ErrorKind.InvalidOperation, "");
                case LibvirtConstants.ErrDomainExists:
                    return (ErrorIds.LibvirtError, ErrorKind.ResourceExists, "");
                case LibvirtConstants.ErrOperationTimeout:
                    return (ErrorIds.LibvirtError, ErrorKind.OperationTimeout, " The host did not answer in time; try again.");
                case LibvirtConstants.ErrNoConnect:
                case LibvirtConstants.ErrRpc:
                    return ConnectionLost;
                // A failed system call is a lost connection only when the transport made it; otherwise it is the host's
                // own trouble (a missing file, a full disk) and says so in libvirt's message.
                case LibvirtConstants.ErrSystemError when errorDomain == LibvirtConstants.FromRpc || errorDomain == LibvirtConstants.FromRemote:
                    return ConnectionLost;
                case LibvirtConstants.ErrInvalidArg:
                    return (ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, "");
                case LibvirtConstants.ErrNoSupport:
                case LibvirtConstants.ErrOperationUnsupported:
                case LibvirtConstants.ErrArgumentUnsupported:
                    return (ErrorIds.LibvirtError, ErrorKind.NotImplemented, " This host's libvirt or hypervisor does not support it.");
                default:
                    return (ErrorIds.LibvirtError, ErrorKind.NotSpecified, "");
            }
        }

        /// <summary>The sentence that ends the message, and whether it says where the VM runs.</summary>
        internal readonly struct Advice
        {
            private Advice(string text, bool saysWhereVmRuns)
            {
                Text = text;
                SaysWhereVmRuns = saysWhereVmRuns;
            }

            public string Text { get; }

            public bool SaysWhereVmRuns { get; }

            /// <summary>Advice that tells where the VM is left running.</summary>
            public static Advice WhereVmRuns(string text) => new Advice(text, true);

            public static implicit operator Advice(string text) => new Advice(text, false);
        }
    }
}
