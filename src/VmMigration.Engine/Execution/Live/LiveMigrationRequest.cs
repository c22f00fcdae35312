using System;
using System.Collections.Generic;
using VmMigration.Session;

namespace VmMigration.Execution.Live
{
    /// <summary>Everything one live migration needs: the VM where it is now, where it goes, and the user's limits.</summary>
    public sealed class LiveMigrationRequest
    {
        public LiveMigrationRequest(LocatedVM vm, ConnectedHost destination)
        {
            VM = vm;
            Destination = destination;
        }

        public LocatedVM VM { get; }
        public ConnectedHost Destination { get; }
        public MigrationStrategy Strategy { get; set; } = MigrationStrategy.Auto;
        /// <summary>The downtime the user accepts at the switch; never exceeded.</summary>
        public long MaxDowntimeMs { get; set; } = 300;
        /// <summary>0 means unlimited.</summary>
        public long BandwidthMBps { get; set; }
        /// <summary>
        /// The bandwidth the move will get once its memory is on the way, when that differs from the cap it starts with
        /// (a drain holds a preparing move at 1 MiB/s and raises it when it transfers). Choices fixed at the start use it.
        /// </summary>
        public long? TransferBandwidthMBps { get; set; }
        /// <summary>The whole migration must finish within this, or it is aborted and the VM stays on its source.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
        /// <summary>No transfer progress for this long means the job is stuck (e.g. a frozen destination): abort.</summary>
        public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);
        /// <summary>Post-copy can lose the VM if the destination dies after the switch; Auto takes it only when permitted.</summary>
        public bool AllowPostCopy { get; set; }
        /// <summary>Copy the VM's disks to the destination host with it (non-shared storage).</summary>
        public bool CopyStorage { get; set; }
        /// <summary>The destination host's pool the copied disks land in; null keeps each disk's own pool name. Implies copying.</summary>
        public string? DestinationStoragePool { get; set; }
        /// <summary>The disks (target devices) to copy; empty copies every writable file disk.</summary>
        public IReadOnlyCollection<string> Disks { get; set; } = Array.Empty<string>();
        /// <summary>qcow2 or raw to convert the copies to; null keeps each disk's format.</summary>
        public string? DiskFormat { get; set; }
        public bool MovesStorage => CopyStorage || DestinationStoragePool != null;
        public int ParallelConnections { get; set; }
        /// <summary>Auto (the strategy decides: Auto may use Xbzrle for a guest that dirties fast), None, Zstd, Zlib or Xbzrle.</summary>
        public string Compression { get; set; } = DeltaCompression.Automatic;
        /// <summary>Measure the guest's dirty rate before starting (Auto does by default).</summary>
        public bool MeasureDirtyRate { get; set; } = true;
        /// <summary>
        /// The destination's address the memory stream goes to (its migration network), instead of the one the destination
        /// was connected with; an IP address or a host name, without scheme or port.
        /// </summary>
        public string? MigrationAddress { get; set; }
        /// <summary>
        /// The network (CIDR) the stream must cross: it goes to the destination's address in it (<see cref="MigrationNetwork"/>);
        /// ignored when <see cref="MigrationAddress"/> is given.
        /// </summary>
        public string? MigrationNetwork { get; set; }
        /// <summary>
        /// The URI QEMU's stream goes to: tcp://<see cref="MigrationAddress"/>, else the destination's address in
        /// <see cref="MigrationNetwork"/> (MigrationNetworkUnreachable when it has none), else the destination's own.
        /// </summary>
        public string? MigrationUri => MigrationAddress != null ? ConnectedHost.TcpUri(MigrationAddress)
            : MigrationNetwork != null ? ConnectedHost.TcpUri(Session.MigrationNetwork.AddressIn(Destination, MigrationNetwork, VM.Guest.Name))
            : Destination.MigrationAddress;
        /// <summary>Whether the streams go over TLS: Auto when the hosts can, Required or refused, None in the clear.</summary>
        public MigrationEncryption Encryption { get; set; } = MigrationEncryption.Auto;
        /// <summary>The dirty rate the caller measured just before (an evacuation measures all its VMs at once); Auto then does not measure again.</summary>
        public double? KnownDirtyRateMBps { get; set; }
    }
}
