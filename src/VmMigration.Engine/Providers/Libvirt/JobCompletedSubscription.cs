using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// Listens for VIR_DOMAIN_EVENT_ID_JOB_COMPLETED on one connection. After a migration with UNDEFINE_SOURCE the source
    /// forgets the domain, and this event is the only place its completed-job statistics (downtime, iterations...) survive.
    /// Statistics are kept per domain UUID until taken.
    /// </summary>
    internal sealed class JobCompletedSubscription : IDisposable
    {
        /// <summary>
        /// libvirt calls this once it has really dropped the registration (after deregistration or when the connection
        /// closes); only then is it safe to let the subscription, and with it the callback delegate, be collected.
        /// </summary>
        private static readonly LibvirtNative.FreeCallback ReleaseRoot = opaque => GCHandle.FromIntPtr(opaque).Free();

        private readonly ConnectionHandle connection;
        private readonly LibvirtNative.JobCompletedCallback callback;
        private readonly Dictionary<string, JobProgress> completedByUuid = new Dictionary<string, JobProgress>(StringComparer.OrdinalIgnoreCase);
        private readonly object gate = new object();
        private int callbackId = -1;

        private JobCompletedSubscription(ConnectionHandle connection)
        {
            this.connection = connection;
            callback = OnJobCompleted;
        }

        /// <summary>Registers for all domains on the connection; throws the mapped libvirt error when the driver refuses.</summary>
        public static JobCompletedSubscription Register(ConnectionHandle connection, string hostUri)
        {
            var subscription = new JobCompletedSubscription(connection);
            var root = GCHandle.Alloc(subscription);
            int id = LibvirtNative.virConnectDomainEventRegisterAny(connection, IntPtr.Zero, LibvirtConstants.DomainEventIdJobCompleted,
                Marshal.GetFunctionPointerForDelegate(subscription.callback), GCHandle.ToIntPtr(root),
                Marshal.GetFunctionPointerForDelegate(ReleaseRoot));
            if (id < 0)
            {
                var error = LibvirtError.CaptureLast();
                root.Free();
                throw LibvirtErrorMapper.Map(error, LibvirtOperationContext.Host, "subscribe to the job-completed events of", HostUri.Redact(hostUri), hostUri, where: "");
            }
            subscription.callbackId = id;
            return subscription;
        }

        /// <summary>Drops statistics left from an earlier job of that domain, so a wait sees only the next one.</summary>
        public void Forget(string uuid)
        {
            lock (gate) completedByUuid.Remove(uuid);
        }

        /// <summary>The completed-job statistics of that domain, waiting up to <paramref name="timeout"/> for the event.</summary>
        public JobProgress? TakeCompleted(string uuid, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (gate)
            {
                while (true)
                {
                    if (completedByUuid.TryGetValue(uuid, out var progress))
                    {
                        completedByUuid.Remove(uuid);
                        return progress;
                    }
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) return null;
                    Monitor.Wait(gate, left);
                }
            }
        }

        // Runs on the event-loop thread; an exception escaping into native code would kill the process.
        private void OnJobCompleted(IntPtr connectionPointer, IntPtr domain, IntPtr parameters, int count, IntPtr opaque)
        {
            try
            {
                var uuidBuffer = new byte[LibvirtConstants.UuidStringBufferLength];
                if (LibvirtNative.virDomainGetUUIDStringBorrowed(domain, uuidBuffer) < 0)
                {
                    LibvirtNative.virResetLastError();
                    return;
                }
                var uuid = NativeStrings.FromUuidBuffer(uuidBuffer);
                var progress = JobStatsMapping.ToJobProgress(JobKind.Completed, TypedParameterReader.Read(parameters, count));
                lock (gate)
                {
                    completedByUuid[uuid] = progress;
                    Monitor.PulseAll(gate);
                }
            }
            catch
            {
                // Losing one event only costs us the fallback statistics.
            }
        }

        public void Dispose()
        {
            int id = Interlocked.Exchange(ref callbackId, -1);
            if (id < 0 || connection.IsClosed) return;
            if (LibvirtNative.virConnectDomainEventDeregisterAny(connection, id) < 0) LibvirtNative.virResetLastError();
        }
    }
}
