using System;
using System.Collections.Generic;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>The flags and typed parameters for virDomainMigrateToURI3 that a <see cref="LiveMigrationParameters"/> asks for.</summary>
    internal sealed class MigrationArguments
    {
        /// <summary>
        /// Always live and peer-to-peer (the source daemon drives the job, so it survives our process), and the definition
        /// moves with the VM so it exists on exactly one host afterwards.
        /// </summary>
        public const uint BaseFlags = LibvirtConstants.MigrateLive | LibvirtConstants.MigratePeerToPeer
            | LibvirtConstants.MigratePersistDest | LibvirtConstants.MigrateUndefineSource;

        private MigrationArguments(uint flags, IReadOnlyList<KeyValuePair<string, object>> parameters)
        {
            Flags = flags;
            Parameters = parameters;
        }

        public uint Flags { get; }
        public IReadOnlyList<KeyValuePair<string, object>> Parameters { get; }

        /// <param name="relocatedXml">with disk placements: the guest's migratable and persistent definitions, disks rewritten</param>
        public static MigrationArguments From(LiveMigrationParameters request, (string Live, string Persistent)? relocatedXml = null)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            uint flags = BaseFlags;
            var parameters = new List<KeyValuePair<string, object>>();
            void Add(string name, object value) => parameters.Add(new KeyValuePair<string, object>(name, value));

            if (!string.IsNullOrWhiteSpace(request.MigrationUri)) Add(LibvirtConstants.MigrateParamUri, request.MigrationUri!.Trim());
            if (request.BandwidthMBps < 0) throw Invalid($"BandwidthMBps must be 0 (unlimited) or more, not {request.BandwidthMBps}.");
            if (request.BandwidthMBps > 0) Add(LibvirtConstants.MigrateParamBandwidth, (ulong)request.BandwidthMBps);

            if (request.AutoConverge)
            {
                flags |= LibvirtConstants.MigrateAutoConverge;
                if (request.AutoConvergeInitialPercent > 0) Add(LibvirtConstants.MigrateParamAutoConvergeInitial, CheckPercent(request.AutoConvergeInitialPercent, "AutoConvergeInitialPercent"));
                if (request.AutoConvergeIncrementPercent > 0) Add(LibvirtConstants.MigrateParamAutoConvergeIncrement, CheckPercent(request.AutoConvergeIncrementPercent, "AutoConvergeIncrementPercent"));
            }
            if (request.AllowPostCopy) flags |= LibvirtConstants.MigratePostCopy;
            if (request.Encrypted) flags |= LibvirtConstants.MigrateTls;
            if (request.CopyStorage || request.DiskPlacements.Count > 0) flags |= LibvirtConstants.MigrateNonSharedDisk;
            if (request.DiskPlacements.Count > 0)
            {
                if (relocatedXml == null) throw Invalid("Disk placements need the guest's rewritten definitions.");
                // Only the placed disks are copied; each lands in the file the destination XML names.
                foreach (var placement in request.DiskPlacements) Add(LibvirtConstants.MigrateParamMigrateDisks, placement.Target);
                Add(LibvirtConstants.MigrateParamDestinationXml, relocatedXml.Value.Live);
                Add(LibvirtConstants.MigrateParamPersistentXml, relocatedXml.Value.Persistent);
            }
            // One connection is the classic single stream; multifd only for more (QEMU 7.2 cannot post-copy over multifd).
            if (request.ParallelConnections > 1)
            {
                flags |= LibvirtConstants.MigrateParallel;
                Add(LibvirtConstants.MigrateParamParallelConnections, request.ParallelConnections);
            }

            var compression = (request.Compression ?? "None").Trim();
            if (compression.Equals("Zstd", StringComparison.OrdinalIgnoreCase) || compression.Equals("Zlib", StringComparison.OrdinalIgnoreCase))
            {
                // libvirt accepts zlib/zstd only on multifd (parallel) migration streams.
                flags |= LibvirtConstants.MigrateCompressed | LibvirtConstants.MigrateParallel;
                Add(LibvirtConstants.MigrateParamCompression, compression.ToLowerInvariant());
            }
            else if (compression.Equals("Xbzrle", StringComparison.OrdinalIgnoreCase))
            {
                // QEMU keeps the delta cache on the classic single stream only, and wants its size a power of two.
                if (request.ParallelConnections > 1) throw Invalid("Xbzrle compression works on a single migration stream; use -ParallelConnections 1, or Zstd/Zlib on parallel streams.");
                if (request.DeltaCacheMB <= 0 || (request.DeltaCacheMB & (request.DeltaCacheMB - 1)) != 0) throw Invalid($"The Xbzrle cache must be a power of two MiB, not {request.DeltaCacheMB}.");
                flags |= LibvirtConstants.MigrateCompressed;
                Add(LibvirtConstants.MigrateParamCompression, "xbzrle");
                Add(LibvirtConstants.MigrateParamCompressionXbzrleCache, (ulong)request.DeltaCacheMB << 20);
            }
            else if (!compression.Equals("None", StringComparison.OrdinalIgnoreCase) && compression.Length != 0)
            {
                throw Invalid($"Compression '{compression}' is not supported; use None, Zstd, Zlib or Xbzrle.");
            }
            return new MigrationArguments(flags, parameters);
        }

        private static int CheckPercent(int value, string name)
            => value <= 100 ? value : throw Invalid($"{name} must be between 1 and 100, not {value}.");

        private static MigrationException Invalid(string message) => new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, message);
    }
}
