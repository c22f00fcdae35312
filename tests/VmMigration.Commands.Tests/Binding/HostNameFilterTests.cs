using System.Linq;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Commands.Tests.Binding
{
    /// <summary>How Get-MigrationHost -Name and Get-MigrationVM -HostName pick connected hosts.</summary>
    public class HostNameFilterTests
    {
        private static readonly ConnectedHost[] Hosts = new[] { "lab1", "lab2", "web1" }
            .Select(name => new ConnectedHost(name, new HostUri($"fake://{name}"), "Fake", new FakeCluster().AddHost($"fake://{name}", name), null))
            .ToArray();

        [Fact]
        public void Names_and_wildcards_select_each_host_once_and_a_plain_name_that_matches_nothing_is_reported()
        {
            var selected = HostNameFilter.Select(Hosts, new[] { "LAB*", "lab1", "nohost", "x*" }, out var unmatched);

            Assert.Equal(new[] { "lab1", "lab2" }, selected.Select(h => h.Name));
            Assert.Equal(new[] { "nohost" }, unmatched);
        }

        [Fact]
        public void No_names_select_every_host() =>
            Assert.Equal(Hosts, HostNameFilter.Select(Hosts, null, out _));
    }
}
