using System.Linq;
using VmMigration.Execution.Maintenance;
using Xunit;

namespace VmMigration.Tests.Execution.Maintenance
{
    /// <summary>-HostOrder Auto with -Failback None: the order and destinations that move each VM as few times as possible.</summary>
    public sealed class RollingMaintenanceOrderTests
    {
        /// <summary>a runs four VMs, b and c one each: a drained first sends its VMs to hosts whose turn is still to come.</summary>
        private static RollingCluster Lopsided()
        {
            var cluster = new RollingCluster("a", "b", "c");
            foreach (var name in new[] { "a1", "a2", "a3", "a4" })
            {
                cluster["a"].AddGuest(name);
            }
            cluster["b"].AddGuest("b1");
            cluster["c"].AddGuest("c1");
            return cluster;
        }

        private static (RollingMaintenanceSummary Summary, RecordingMaintenanceObserver Observer) Run(MaintenanceHostOrder order)
        {
            using var cluster = Lopsided();
            var observer = new RecordingMaintenanceObserver();
            var options = cluster.Options("a", "b", "c");
            options.HostOrder = order;
            options.Failback = MaintenanceFailback.None;
            var summary = cluster.Run(options, observer);
            Assert.All(observer.Results, r => Assert.Equal(HostMaintenanceStatus.Succeeded, r.Status));
            Assert.Empty(cluster.Maintenance.List());
            return (summary, observer);
        }

        [Fact]
        public void Auto_order_moves_fewer_VMs_than_the_given_one_and_says_what_it_saved_against_evacuate_then_failback()
        {
            var given = Run(MaintenanceHostOrder.Given);
            var auto = Run(MaintenanceHostOrder.Auto);

            Assert.Equal(new[] { "a", "b", "c" }, given.Summary.Order);
            Assert.Equal("a", auto.Summary.Order.Last());
            Assert.True(auto.Summary.Moves < given.Summary.Moves, $"auto {auto.Summary.Moves} moves, given {given.Summary.Moves}");
            // Evacuate-then-failback: each of the six VMs out and back.
            Assert.Equal(12, auto.Summary.BaselineMoves);
            Assert.Equal(12 * 256L << 20, auto.Summary.BaselineBytes);
            Assert.Equal(auto.Summary.BaselineMoves - auto.Summary.Moves, auto.Summary.MovesSaved);
            Assert.True(auto.Summary.MovesSaved >= 5, $"saved {auto.Summary.MovesSaved}");
            Assert.Equal(auto.Summary.BaselineBytes - auto.Summary.MovedMemoryBytes, auto.Summary.BytesSaved);
            Assert.True(auto.Summary.BytesSaved > 0);
            Assert.All(auto.Observer.Results, r => Assert.Equal(0, r.VMsFailedBack));
        }
    }
}
