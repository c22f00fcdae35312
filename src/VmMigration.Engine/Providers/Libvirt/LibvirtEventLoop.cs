using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// libvirt's default event loop, registered once per process and run on a background thread. Keepalive probes and
    /// domain events (the job-completed statistics) are only delivered while it runs, and it must be registered before
    /// the first connection opens.
    /// </summary>
    internal static class LibvirtEventLoop
    {
        private static readonly object Gate = new object();
        private static Thread? loopThread;

        public static bool IsRunning => loopThread != null;

        public static void EnsureRunning()
        {
            lock (Gate)
            {
                if (loopThread != null) return;
                if (LibvirtNative.virEventRegisterDefaultImpl() < 0)
                {
                    var error = LibvirtError.CaptureLast();
                    throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.NotSpecified,
                        $"Could not start libvirt's event loop: {error.Message}");
                }
                loopThread = new Thread(RunForever) { IsBackground = true, Name = "libvirt event loop" };
                loopThread.Start();
            }
        }

        private static void RunForever()
        {
            while (true)
            {
                // A failing iteration (rare: a broken poll) must not spin a core.
                if (LibvirtNative.virEventRunDefaultImpl() < 0)
                {
                    LibvirtNative.virResetLastError();
                    Thread.Sleep(100);
                }
            }
        }
    }
}
