using System;
using System.Collections.Generic;
using System.Globalization;

namespace VmMigration.Execution.Clone
{
    /// <summary>
    /// A clone's new UUID and MAC addresses, drawn so that none is used by any VM of the connected hosts
    /// (QEMU's locally administered prefix 52:54:00, as libvirt itself generates).
    /// </summary>
    public sealed class CloneIdentity
    {
        private CloneIdentity(string uuid, IReadOnlyList<string> macAddresses)
        {
            Uuid = uuid;
            MacAddresses = macAddresses;
        }

        public string Uuid { get; }
        public IReadOnlyList<string> MacAddresses { get; }

        public static CloneIdentity Allocate(int macCount, ISet<string> usedUuids, ISet<string> usedMacs, Random random)
        {
            string uuid;
            do uuid = Guid.NewGuid().ToString(); while (usedUuids.Contains(uuid));

            var macs = new List<string>(macCount);
            var taken = new HashSet<string>(usedMacs, StringComparer.OrdinalIgnoreCase);
            while (macs.Count < macCount)
            {
                var mac = string.Format(CultureInfo.InvariantCulture, "52:54:00:{0:x2}:{1:x2}:{2:x2}", random.Next(256), random.Next(256), random.Next(256));
                if (taken.Add(mac)) macs.Add(mac);
            }
            return new CloneIdentity(uuid, macs);
        }
    }
}
