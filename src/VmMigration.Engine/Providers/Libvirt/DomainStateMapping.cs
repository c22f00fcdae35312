namespace VmMigration.Providers.Libvirt
{
    /// <summary>libvirt's virDomainState and virDomainJobType values in the engine's terms.</summary>
    internal static class DomainStateMapping
    {
        public static VMState ToVmState(int libvirtState)
        {
            switch (libvirtState)
            {
                case 1: return VMState.Running;      // VIR_DOMAIN_RUNNING
                case 2: return VMState.Blocked;      // VIR_DOMAIN_BLOCKED
                case 3: return VMState.Paused;       // VIR_DOMAIN_PAUSED
                case 4: return VMState.ShuttingDown; // VIR_DOMAIN_SHUTDOWN
                case 5: return VMState.ShutOff;      // VIR_DOMAIN_SHUTOFF
                case 6: return VMState.Crashed;      // VIR_DOMAIN_CRASHED
                case 7: return VMState.Suspended;    // VIR_DOMAIN_PMSUSPENDED
                default: return VMState.Unknown;     // VIR_DOMAIN_NOSTATE and values newer than us
            }
        }

        public static JobKind ToJobKind(int libvirtJobType)
        {
            switch (libvirtJobType)
            {
                case 1: return JobKind.Bounded;
                case 2: return JobKind.Unbounded;
                case 3: return JobKind.Completed;
                case 4: return JobKind.Failed;
                case 5: return JobKind.Cancelled;
                default: return JobKind.None;
            }
        }
    }
}
