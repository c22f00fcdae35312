using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Xml.Linq;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>Live disk copies of a running guest (virDomainBlockCopy), their progress, the pivot onto the copy, and cancel.</summary>
    public sealed partial class LibvirtHostConnection
    {
        public void StartDiskCopy(string name, string diskTarget, string destinationPath, string destinationFormat, long bandwidthBytesPerSecond, bool synchronousWrites)
        {
            if (bandwidthBytesPerSecond < 0)
                throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"The copy bandwidth must be 0 (unlimited) or more, not {bandwidthBytesPerSecond}.", name);
            using var domain = LookUp(name);
            var destinationXml = new XElement("disk", new XAttribute("type", "file"),
                new XElement("driver", new XAttribute("type", destinationFormat)),
                new XElement("source", new XAttribute("file", destinationPath))).ToString();
            var parameters = new List<KeyValuePair<string, object>>();
            if (bandwidthBytesPerSecond > 0) parameters.Add(new KeyValuePair<string, object>(LibvirtConstants.BlockCopyParamBandwidth, (ulong)bandwidthBytesPerSecond));
            // The target volume is made by the storage pool beforehand (REUSE_EXT), so the pool knows it and its format is ours.
            // TRANSIENT_JOB: libvirt refuses a copy job on a persistent guest otherwise; it still rewrites the definition at the pivot.
            uint flags = LibvirtConstants.BlockCopyReuseExternal | LibvirtConstants.BlockCopyTransientJob;
            if (synchronousWrites) flags |= LibvirtConstants.BlockCopySynchronousWrites;
            using var typed = NativeTypedParameterList.From(parameters);
            if (LibvirtNative.virDomainBlockCopy(domain, diskTarget, destinationXml, typed.Pointer, typed.Count, flags) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"start copying disk {diskTarget} to '{destinationPath}' for guest", name);
        }

        public DiskCopyProgress? GetDiskCopyProgress(string name, string diskTarget)
        {
            using var domain = LookUp(name);
            int found = LibvirtNative.virDomainGetBlockJobInfo(domain, diskTarget, out var info, LibvirtConstants.BlockJobInfoBandwidthBytes);
            if (found < 0) throw GuestFailure(LibvirtOperationContext.RunningGuest, $"read the copy progress of disk {diskTarget} of guest", name);
            if (found == 0 || info.Type != LibvirtConstants.BlockJobTypeCopy) return null;
            return new DiskCopyProgress { CopiedBytes = Saturate(info.Current), TotalBytes = Saturate(info.End) };
        }

        public TimeSpan PivotDiskCopy(string name, string diskTarget, TimeSpan timeout)
        {
            using var domain = LookUp(name);
            return PivotWhenReady(domain, name, diskTarget, timeout, $"switch disk {diskTarget} onto its copy in guest");
        }

        public void CancelDiskCopy(string name, string diskTarget)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainBlockJobAbort(domain, diskTarget, 0) >= 0) return;
            var error = LibvirtError.CaptureLast();
            if (error.Code == LibvirtConstants.ErrOperationInvalid) return; // no copy runs on that disk: nothing to cancel
            throw Failure(error, LibvirtOperationContext.RunningGuest, $"cancel the copy of disk {diskTarget} of guest", name);
        }

        public long GetDiskWrittenBytes(string name, string diskTarget)
        {
            using var domain = LookUp(name);
            if (LibvirtNative.virDomainBlockStats(domain, diskTarget, out var stats, (UIntPtr)System.Runtime.InteropServices.Marshal.SizeOf<BlockStatsNativeInfo>()) < 0)
                throw GuestFailure(LibvirtOperationContext.RunningGuest, $"read the I/O statistics of disk {diskTarget} of guest", name);
            return Math.Max(0, stats.WriteBytes);
        }

        /// <summary>
        /// Pivots a block job (copy or active commit) once it is in sync; libvirt refuses the pivot until then, so it is
        /// retried until <paramref name="timeout"/>. Returns how long the call that pivoted took.
        /// </summary>
        private TimeSpan PivotWhenReady(DomainHandle domain, string name, string diskTarget, TimeSpan timeout, string action)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var attempt = Stopwatch.StartNew();
                if (LibvirtNative.virDomainBlockJobAbort(domain, diskTarget, LibvirtConstants.BlockJobAbortPivot) >= 0) return attempt.Elapsed;
                var error = LibvirtError.CaptureLast();
                if (error.Code != LibvirtConstants.ErrBlockCopyActive && error.Code != LibvirtConstants.ErrOperationInvalid || clock.Elapsed > timeout)
                    throw Failure(error, LibvirtOperationContext.RunningGuest, action, name);
                Thread.Sleep(PivotRetryInterval);
            }
        }

        private static long Saturate(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;
    }
}
