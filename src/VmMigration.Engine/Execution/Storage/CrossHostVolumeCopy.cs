using System;
using System.Threading;
using VmMigration.Providers;

namespace VmMigration.Execution.Storage
{
    /// <summary>
    /// Copies a storage volume byte for byte into a new volume of a pool on another host, through libvirt's volume streams
    /// (holes stay holes). The new file holds the source's format as it is, so a qcow2 stays a qcow2 of the same virtual size.
    /// </summary>
    public static class CrossHostVolumeCopy
    {
        /// <param name="created">gets the new volume's path as soon as it exists, so the caller can delete it on a later failure</param>
        /// <param name="copied">data bytes copied so far, as the copy goes</param>
        /// <param name="dataBytes">the bytes of data copied (holes excluded)</param>
        public static StorageVolumeInfo Copy(IHostConnection source, StorageVolumeInfo volume, IHostConnection destination, string poolName, string volumeName,
            CreatedVolumes created, CancellationToken cancellationToken, Action<long>? copied, out long dataBytes)
        {
            var made = destination.CreateStorageVolume(poolName, StorageVolumeSpec.StreamTarget(volumeName, volume.PhysicalBytes));
            created.Add(made.Path);
            using var reader = source.OpenVolumeReader(volume.Path);
            using var writer = destination.OpenVolumeWriter(made.Path);
            dataBytes = VolumeStreamCopy.Copy(reader, writer, cancellationToken, copied);
            return made;
        }
    }
}
