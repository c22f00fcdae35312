using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using VmMigration.Errors;

namespace VmMigration.Session
{
    /// <summary>
    /// The network a move's data stream must cross (-MigrationNetwork, a CIDR): the destination's address in it is the one
    /// the stream goes to. A host's addresses are what the session knows of it: those given when it was connected
    /// (Connect-MigrationHost -MigrationAddress; a lab host's own loopback address), the address it receives migrations on,
    /// and the IP address in its connection URI. libvirt's interface driver does not report addresses on Debian (its udev
    /// backend lists interfaces without their IPs), so a host's other addresses are not guessed: they are named at connect.
    /// Host names in URIs are not resolved here: a lookup could wait on a name server, and a name says nothing of networks.
    /// </summary>
    public static class MigrationNetwork
    {
        /// <summary>Parses a CIDR (10.20.0.0/24, fd00::/64); null when <paramref name="cidr"/> is not one.</summary>
        public static System.Net.IPNetwork2? TryParse(string? cidr)
        {
            if (string.IsNullOrWhiteSpace(cidr) || !cidr!.Contains("/")) return null;
            return System.Net.IPNetwork2.TryParse(cidr.Trim(), out var network) ? network : null;
        }

        /// <summary>The addresses the session knows <paramref name="host"/> by, in the order they are preferred.</summary>
        public static IReadOnlyList<IPAddress> KnownAddresses(ConnectedHost host)
        {
            var addresses = new List<IPAddress>();
            void Add(string? text)
            {
                if (text != null && IPAddress.TryParse(text.Trim().Trim('[', ']'), out var address) && !addresses.Contains(address)) addresses.Add(address);
            }
            foreach (var given in host.MigrationAddresses) Add(given);
            Add(HostOf(host.MigrationAddress));
            Add(HostOf(host.Uri.Display));
            return addresses;
        }

        /// <summary>
        /// The destination's address in <paramref name="cidr"/>; throws MigrationNetworkUnreachable naming the addresses it
        /// has when none is in that network, and InvalidArgument for a CIDR that does not parse.
        /// </summary>
        public static string AddressIn(ConnectedHost destination, string cidr, string vmName)
        {
            var network = TryParse(cidr) ?? throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument,
                $"-MigrationNetwork '{cidr}' is not a network in CIDR form, such as 10.20.0.0/24 or fd00:20::/64.", cidr);
            var known = KnownAddresses(destination);
            var inNetwork = known.FirstOrDefault(network.Contains);
            if (inNetwork != null) return inNetwork.ToString();
            throw new MigrationException(ErrorIds.MigrationNetworkUnreachable, ErrorKind.InvalidArgument,
                $"VM '{vmName}' cannot move over migration network {network}: destination '{destination.Name}' has no address in it " +
                $"(known addresses: {(known.Count == 0 ? "none" : string.Join(", ", known))}). Name its address on that network when connecting it " +
                "(Connect-MigrationHost -MigrationAddress), or choose another network. Nothing was moved.", vmName);
        }

        /// <summary>The host part of a URI (tcp://10.0.0.5:49152, qemu+ssh://root@10.0.0.5/system); null when it has none.</summary>
        private static string? HostOf(string? uri)
        {
            if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)) return null;
            return parsed.HostNameType == UriHostNameType.IPv4 || parsed.HostNameType == UriHostNameType.IPv6 ? parsed.Host : null;
        }
    }
}
