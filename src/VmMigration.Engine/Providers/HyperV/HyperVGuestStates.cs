namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// Msvm_ComputerSystem.EnabledState of a VM in the engine's terms. Values from Microsoft's "Msvm_ComputerSystem class"
    /// (root/virtualization/v2): 2 Enabled (running), 3 Disabled (off), 4 Shutting Down, 6 Enabled but Offline (saved),
    /// 9 Quiesce (paused), 10 Starting; and the values the v1 namespace used and RequestStateChange still names
    /// (32768 Paused, 32769 Suspended = saved, 32770 Starting, 32773 Saving, 32774 Stopping, 32776 Pausing, 32777 Resuming).
    /// </summary>
    public static class HyperVGuestStates
    {
        public static VMState ToVmState(ushort enabledState)
        {
            switch (enabledState)
            {
                case 2: return VMState.Running;
                case 3: return VMState.ShutOff;
                case 4:
                case 32774: return VMState.ShuttingDown;
                case 6:
                case 32769: return VMState.Suspended;
                case 9:
                case 32768: return VMState.Paused;
                // Starting, saving, pausing, resuming: in passage, neither running nor stopped; the next read tells.
                default: return VMState.Unknown;
            }
        }
    }
}
