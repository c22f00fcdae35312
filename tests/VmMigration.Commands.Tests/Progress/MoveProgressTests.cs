using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace VmMigration.Commands.Tests.Progress
{
    /// <summary>What Write-Progress shows of a live migration: which VM goes where, its phases, and that it ended.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class MoveProgressTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public MoveProgressTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");

        public void Dispose() => session.Dispose();

        [Fact]
        public void A_move_shows_its_VM_source_and_destination_and_ends_with_a_completed_record()
        {
            var run = session.Run("Move-VMLive -VM web1 -Destination host2");

            Assert.NotEmpty(run.Progress);
            Assert.All(run.Progress, p => Assert.Equal("Live-migrating web1: host1 -> host2", p.Activity));
            Assert.Equal(ProgressRecordType.Completed, run.Progress.Last().RecordType);
            Assert.All(run.Progress, p => Assert.InRange(p.PercentComplete, 0, 100));
        }

        [Fact]
        public void Each_VM_of_a_batch_has_its_own_activity()
        {
            var run = session.Run("Move-VMLive -VM web1, web2 -Destination host2");

            var activities = run.Progress.GroupBy(p => p.ActivityId).ToList();
            Assert.Equal(2, activities.Count);
            Assert.Equal(new[] { "Live-migrating web1: host1 -> host2", "Live-migrating web2: host1 -> host2" },
                activities.Select(a => a.First().Activity));
            Assert.All(activities, a => Assert.Equal(ProgressRecordType.Completed, a.Last().RecordType));
        }
    }
}
