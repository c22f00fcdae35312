using System;
using System.Globalization;
using System.IO;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Lab
{
    /// <summary>
    /// The lab's migration certificates, as a careful datacenter keeps them: one CA for the lab, and per host a key and a
    /// certificate it signed, valid for the host's name and its loopback addresses, in the files QEMU reads from
    /// migrate_tls_x509_cert_dir (ca-cert.pem, server-cert.pem/-key.pem for the incoming side, client-cert.pem/-key.pem for
    /// the outgoing side). Made with openssl when a host's daemon starts and a file is missing (the CA once per lab); a
    /// host whose files were taken away gets them back when its daemon next starts.
    /// </summary>
    internal static class LabMigrationTls
    {
        public const string CaCertificate = "ca-cert.pem";

        /// <summary>What QEMU needs in the directory, in either role.</summary>
        public static readonly string[] HostFiles = { CaCertificate, "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem" };

        /// <summary>Where the CA's own key lives: beside the hosts, in no host's certificate directory.</summary>
        public static string CaDirectory(string labPath) => Path.Combine(labPath, "ca");

        /// <summary>True when every file QEMU reads is in <paramref name="directory"/>.</summary>
        public static bool IsComplete(string directory) => HostFiles.All(file => File.Exists(Path.Combine(directory, file)));

        /// <summary>Makes the lab CA if there is none, then the host's certificate directory if a file of it is missing.</summary>
        public static void Ensure(LabHostPaths host)
        {
            if (IsComplete(host.MigrationTls)) return;
            var openssl = LabPrerequisites.FindProgram("openssl") ?? throw LabPrerequisites.NotInstalled("openssl", "openssl");
            var ca = CaDirectory(host.LabPath);
            string caKey = Path.Combine(ca, "ca-key.pem"), caCert = Path.Combine(ca, CaCertificate);
            if (!File.Exists(caKey) || !File.Exists(caCert))
            {
                Directory.CreateDirectory(ca);
                Run(openssl, host.Name, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", caKey, "-out", caCert, "-days", "3650", "-subj", "/O=VmMigration lab/CN=VmMigration lab CA",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            }

            var directory = host.MigrationTls;
            Directory.CreateDirectory(directory);
            string key = Path.Combine(directory, "server-key.pem"), request = Path.Combine(directory, "host.csr"),
                cert = Path.Combine(directory, "server-cert.pem"), extensions = Path.Combine(directory, "host.ext");
            File.WriteAllText(extensions, string.Join("\n",
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment",
                "extendedKeyUsage=serverAuth,clientAuth",
                string.Format(CultureInfo.InvariantCulture, "subjectAltName=DNS:{0},DNS:localhost,IP:127.0.0.1,IP:{1}", host.Name, LoopbackAddress(host.Index))) + "\n");
            Run(openssl, host.Name, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", request, "-subj", "/O=VmMigration lab/CN=" + host.Name);
            Run(openssl, host.Name, "x509", "-req", "-in", request, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial",
                "-out", cert, "-days", "3650", "-extfile", extensions);
            // One identity for both roles: the host is the TLS server when it receives a VM and the client when it sends one.
            File.Copy(caCert, Path.Combine(directory, CaCertificate), overwrite: true);
            File.Copy(cert, Path.Combine(directory, "client-cert.pem"), overwrite: true);
            File.Copy(key, Path.Combine(directory, "client-key.pem"), overwrite: true);
            File.Delete(request);
            File.Delete(extensions);
        }

        /// <summary>The loopback address host labN is also reachable on for migration: 127.0.0.(N+1), never another address.</summary>
        public static string LoopbackAddress(int index) => "127.0.0." + (index + 1).ToString(CultureInfo.InvariantCulture);

        private static void Run(string openssl, string hostName, params string[] arguments)
        {
            var (exitCode, output) = LabProgram.Run(openssl, LabDaemonLauncher.JoinArguments(arguments));
            if (exitCode == null) throw Failed(hostName, "openssl " + arguments[0] + " did not finish within 60 s");
            if (exitCode != 0)
                throw Failed(hostName, "openssl " + arguments[0] + " failed (exit " + exitCode + "): " + string.Join(" ", output.Split('\n').Take(3)));
        }

        private static MigrationException Failed(string hostName, string why) =>
            new MigrationException(ErrorIds.LabStartFailed, ErrorKind.InvalidOperation,
                $"Lab host {hostName} did not start: its migration certificates could not be made ({why}).", hostName);
    }
}
