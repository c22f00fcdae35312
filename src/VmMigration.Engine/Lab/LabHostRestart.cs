using System.Collections.Generic;
using System.Threading.Tasks;

namespace VmMigration.Lab
{
    /// <summary>A lab host going through a reboot: what it lost, and its return.</summary>
    public sealed class LabHostRestart
    {
        public LabHostRestart(string hostName, IReadOnlyList<string> lostGuests, Task back)
        {
            HostName = hostName;
            LostGuests = lostGuests;
            Back = back;
        }

        public string HostName { get; }

        /// <summary>The guests that were running on the host: killed, as a power cut kills them.</summary>
        public IReadOnlyList<string> LostGuests { get; }

        /// <summary>Completes when the host's libvirtd serves again (faults if it could not start; cancelled if the lab was stopped first).</summary>
        public Task Back { get; }
    }
}
