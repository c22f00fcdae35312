using System;
using System.Net;
using System.Net.Sockets;

namespace VmMigration.Lab
{
    /// <summary>Whether a unix stream socket accepts a connection (i.e. the daemon behind it is serving).</summary>
    internal static class UnixSocketProbe
    {
        // netstandard2.0 does not expose UnixDomainSocketEndPoint, but every runtime that can run the lab (.NET Core on Linux) has it.
        private static readonly Type? EndPointType = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets");

        public static bool Accepts(string socketPath)
        {
            if (EndPointType == null || !System.IO.File.Exists(socketPath)) return false;
            var endPoint = (EndPoint)Activator.CreateInstance(EndPointType, socketPath)!;
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                try
                {
                    socket.Connect(endPoint);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }
        }
    }
}
