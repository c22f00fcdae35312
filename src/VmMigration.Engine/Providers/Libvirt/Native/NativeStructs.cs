using System.Runtime.InteropServices;

namespace VmMigration.Providers.Libvirt.Native
{
    /// <summary>virNodeInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NodeInfo
    {
        public fixed byte Model[32];
        public ulong MemoryKiB;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }

    /// <summary>virDomainInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DomainInfo
    {
        public byte State;
        public ulong MaxMemoryKiB;
        public ulong MemoryKiB;
        public ushort VirtualCpuCount;
        public ulong CpuTimeNs;
    }

    /// <summary>virStoragePoolInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StoragePoolNativeInfo
    {
        public int State;
        public ulong CapacityBytes;
        public ulong AllocationBytes;
        public ulong AvailableBytes;
    }

    /// <summary>virStorageVolInfo.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StorageVolumeNativeInfo
    {
        public int Type;
        public ulong CapacityBytes;
        public ulong AllocationBytes;
    }

    /// <summary>virDomainBlockJobInfo (bandwidth is an unsigned long: 64 bits on the LP64 platforms libvirt runs on).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BlockJobNativeInfo
    {
        public int Type;
        public ulong Bandwidth;
        public ulong Current;
        public ulong End;
    }

    /// <summary>virDomainBlockStatsStruct.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BlockStatsNativeInfo
    {
        public long ReadRequests;
        public long ReadBytes;
        public long WriteRequests;
        public long WriteBytes;
        public long Errors;
    }

    /// <summary>Offsets inside virConnectCredential and virConnectAuth, which the credential callback reads and fills by hand.</summary>
    internal static class CredentialLayout
    {
        public const int CredentialSize = 48;
        public const int TypeOffset = 0;
        public const int ResultOffset = 32;
        public const int ResultLengthOffset = 40;

        public const int AuthSize = 32;
        public const int AuthCredentialTypesOffset = 0;
        public const int AuthCredentialTypeCountOffset = 8;
        public const int AuthCallbackOffset = 16;
        public const int AuthCallbackDataOffset = 24;
    }
}
