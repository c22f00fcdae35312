using System;
using System.Threading;
using VmMigration.Session;

namespace VmMigration.Lab
{
    /// <summary>Reads a running lab guest's memory twice, a moment apart, and says whether it is intact and advancing.</summary>
    public static class LabGuestInspector
    {
        public static LabVMCheck Inspect(LocatedVM vm, TimeSpan interval, CancellationToken cancellationToken)
        {
            var check = new LabGuestMemoryCheck((address, length) => vm.Host.Connection.ReadGuestMemory(vm.Guest.Name, address, length));
            var earlier = check.Read();
            cancellationToken.WaitHandle.WaitOne(interval);
            var later = check.Read();
            var verdict = LabGuestVerifier.Verify(earlier, later);
            return new LabVMCheck
            {
                VMName = vm.Guest.Name,
                HostName = vm.Host.Name,
                Intact = verdict.IsIntact,
                Advancing = verdict.IsAdvancing,
                Pass = later.Pass,
                Heartbeat = later.Heartbeat,
                PagesChecked = later.PagesChecked,
                CorruptPages = later.CorruptPages,
                StalePages = later.StalePages,
                Message = verdict.Message,
            };
        }
    }
}
