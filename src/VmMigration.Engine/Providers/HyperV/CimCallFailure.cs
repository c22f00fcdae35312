using VmMigration.Errors;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// A failed CIM operation (MMI's CimException: its NativeErrorCode, the DMTF CIM status codes) told in the engine's ids.
    /// Kept apart from <see cref="MmiCimGateway"/> so that it loads, and is tested, where MMI cannot run.
    /// </summary>
    public static class CimCallFailure
    {
        // DMTF DSP0200 CIM status codes, as MMI's NativeErrorCode numbers them.
        public const int AccessDenied = 2;
        public const int InvalidNamespace = 3;
        public const int InvalidClass = 5;
        public const int NotFound = 6;

        public static MigrationException From(int nativeErrorCode, string cimMessage, string hostDisplay, string what)
        {
            switch (nativeErrorCode)
            {
                case AccessDenied:
                    return new MigrationException(ErrorIds.HostUnreachable, ErrorKind.PermissionDenied,
                        $"The Hyper-V host '{hostDisplay}' denied access to {what}: {cimMessage}. Connect with -Credential of a member of " +
                        "'Hyper-V Administrators' there, or choose the authentication with ?auth= (see Connect-MigrationHost's help).", hostDisplay);
                case InvalidNamespace:
                case InvalidClass:
                    return new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotInstalled,
                        $"'{hostDisplay}' answers but has no Hyper-V management classes ({what}: {cimMessage}). Install the Hyper-V role there " +
                        "(Windows Server 2012 or later, namespace root/virtualization/v2).", hostDisplay);
                default:
                    return new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError,
                        $"The Hyper-V host '{hostDisplay}' could not be asked for {what}: {cimMessage}. Check that WinRM answers there (Test-WSMan) and retry.", hostDisplay);
            }
        }
    }
}
