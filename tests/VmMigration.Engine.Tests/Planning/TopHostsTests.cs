using VmMigration.Planning;
using Xunit;

namespace VmMigration.Tests.Planning
{
    /// <summary>The planner's pick of the most (or least) loaded hosts: eligible ones only, highest key first, ties to the lower index.</summary>
    public class TopHostsTests
    {
        [Fact]
        public void Finds_the_k_eligible_hosts_of_highest_key_with_ties_going_to_the_lower_index()
        {
            double[] load = { 1, 5, 5, 3, 9 };
            var hosts = new int[3];
            var keys = new double[3];

            int found = TopHosts.Find(load.Length, 3, h => h != 4, h => load[h], hosts, keys);

            Assert.Equal(3, found);
            Assert.Equal(new[] { 1, 2, 3 }, hosts);
            Assert.Equal(new double[] { 5, 5, 3 }, keys);
        }

        [Fact]
        public void Finds_fewer_when_fewer_are_eligible()
        {
            var hosts = new int[4];
            Assert.Equal(1, TopHosts.Find(3, 4, h => h == 2, h => h, hosts, new double[4]));
            Assert.Equal(2, hosts[0]);
        }
    }
}
