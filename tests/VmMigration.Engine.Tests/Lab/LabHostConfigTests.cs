using System;
using System.Linq;
using VmMigration.Lab;
using Xunit;

namespace VmMigration.Tests.Lab
{
    public class LabHostConfigTests
    {
        [Fact]
        public void Port_ranges_of_all_hosts_of_all_lab_slots_are_disjoint()
        {
            var ranges = Enumerable.Range(0, LabHostConfig.PortSlotCount)
                .SelectMany(slot => Enumerable.Range(1, LabDefaults.MaxHostCount)
                    .SelectMany(i => new[] { LabHostConfig.MigrationPorts(i, slot), LabHostConfig.DisplayPorts(i, slot) }))
                .OrderBy(r => r.Min).ToList();
            for (int i = 0; i < ranges.Count; i++)
            {
                Assert.True(ranges[i].Min <= ranges[i].Max);
                if (i > 0) Assert.True(ranges[i - 1].Max < ranges[i].Min, $"{ranges[i - 1]} overlaps {ranges[i]}");
            }

            Assert.True(ranges.Last().Max <= 65535);
            Assert.True(LabHostConfig.DisplayPorts(1).Min >= 5900); // libvirt refuses display ports below 5900
        }

        [Fact]
        public void Labs_at_different_paths_mostly_get_different_port_slots_and_one_path_always_the_same()
        {
            var paths = Enumerable.Range(1000, 40).Select(pid => $"/var/lib/vmmigration/pester-migration-{pid}").ToList();
            Assert.True(LabHostConfig.PortSlotCount >= 20);
            Assert.Equal(LabHostConfig.PortSlot(paths[0]), LabHostConfig.PortSlot(paths[0]));
            Assert.True(paths.Select(LabHostConfig.PortSlot).Distinct().Count() >= 15);
        }

        [Fact]
        public void Host_uuids_are_random_and_libvirt_acceptable()
        {
            var uuids = Enumerable.Range(0, 50).Select(_ => LabHostConfig.NewHostUuid()).ToList();
            Assert.Equal(uuids.Count, uuids.Distinct().Count());
            Assert.All(uuids, u => Assert.True(LabHostConfig.IsAcceptableHostUuid(u)));
        }

        [Theory]
        [InlineData("11111111-1111-1111-1111-111111111111", false)] // libvirt: "invalid host UUID"
        [InlineData("00000000-0000-0000-0000-000000000000", false)]
        [InlineData("not-a-uuid", false)]
        [InlineData("7af08a8a-1b6e-48c9-bdb9-d5881e679eb6", true)]
        public void All_same_digit_uuids_are_refused(string uuid, bool acceptable)
        {
            Assert.Equal(acceptable, LabHostConfig.IsAcceptableHostUuid(uuid));
        }

        [Fact]
        public void Libvirtd_conf_has_the_uuid_and_no_network_listener()
        {
            string conf = LabHostConfig.LibvirtdConf("7af08a8a-1b6e-48c9-bdb9-d5881e679eb6");
            Assert.Contains("host_uuid = \"7af08a8a-1b6e-48c9-bdb9-d5881e679eb6\"", conf);
            Assert.Contains("listen_tcp = 0", conf);
            Assert.Contains("listen_tls = 0", conf);
            Assert.Throws<ArgumentException>(() => LabHostConfig.LibvirtdConf("11111111-1111-1111-1111-111111111111"));
        }

        [Fact]
        public void Qemu_conf_has_what_a_namespaced_host_needs_and_no_migration_address()
        {
            string conf = LabHostConfig.QemuConf(LabHostConfig.MigrationPorts(2), LabHostConfig.DisplayPorts(2), "/lab/lab2/pki/migration");
            foreach (string line in new[]
            {
                "security_driver = \"none\"", "user = \"root\"", "group = \"root\"", "dynamic_ownership = 0",
                "cgroup_controllers = [ ]", "stdio_handler = \"file\"",
                "migration_port_min = 49280", "migration_port_max = 49299",
                "remote_display_port_min = 49300", "remote_display_port_max = 49319",
                "migrate_tls_x509_cert_dir = \"/lab/lab2/pki/migration\"", "migrate_tls_x509_verify = 1",
            })
                Assert.Contains(line, conf);
            // libvirtd refuses to start with a loopback migration_address/migration_host.
            Assert.DoesNotContain("migration_address", conf);
            Assert.DoesNotContain("migration_host", conf);
        }

        [Fact]
        public void Hosts_file_keeps_the_machine_lines_and_puts_every_lab_host_name_on_loopback()
        {
            string hosts = LabHostConfig.HostsFile("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n");
            var lines = hosts.Split('\n');
            Assert.Contains("127.0.0.1\tlocalhost", lines);
            Assert.Contains("::1\tlocalhost ip6-localhost", lines);
            // A line per host: libvirt names a host by the first name of the line its name is on, so lab2 must lead its own.
            var labLines = lines.Where(l => l.StartsWith("127.0.0.1 lab", StringComparison.Ordinal)).ToArray();
            Assert.Equal(LabDefaults.MaxHostCount, labLines.Length);
            Assert.Contains("127.0.0.1 lab1", labLines);
            Assert.Contains("127.0.0.1 lab2", labLines);
            Assert.Contains("127.0.0.1 lab" + LabDefaults.MaxHostCount, labLines);
            // Only loopback: a lab never sends traffic anywhere else.
            Assert.All(lines.Where(l => l.Contains("lab")).Where(l => !l.StartsWith("#", StringComparison.Ordinal)), l => Assert.StartsWith("127.", l));
        }
    }
}
