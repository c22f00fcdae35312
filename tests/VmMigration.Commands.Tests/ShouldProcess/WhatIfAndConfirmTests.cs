using System;
using Xunit;

namespace VmMigration.Commands.Tests.ShouldProcess
{
    /// <summary>-WhatIf moves nothing; -Confirm:$false moves without asking even where the session would ask.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class WhatIfAndConfirmTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public WhatIfAndConfirmTests() => session.ConnectTwoHostsWithVMsOnHost1("web1", "web2");

        public void Dispose() => session.Dispose();

        [Fact]
        public void WhatIf_moves_nothing_and_writes_no_result()
        {
            var run = session.Run("Move-VMLive -VM web1, web2 -Destination host2 -WhatIf");

            Assert.Empty(run.Errors);
            Assert.Empty(run.Objects<MigrationResult>());
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
            Assert.Equal(new[] { "host1" }, session.HostsOf("web2"));
        }

        [Fact]
        public void WhatIf_on_a_whole_plan_moves_nothing()
        {
            var run = session.Run("Get-MigrationPlan -Goal Evacuate -HostName host1 | Move-VMLive -WhatIf");

            Assert.Empty(run.Objects<MigrationResult>());
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
        }

        [Fact]
        public void A_session_that_confirms_every_change_cannot_move_without_asking()
        {
            // $ConfirmPreference = 'Low' asks before any change; a session with no one to answer cannot ask, so nothing moves.
            var run = session.Run("$ConfirmPreference = 'Low'; Move-VMLive -VM web1 -Destination host2");

            Assert.NotEmpty(run.Errors);
            Assert.Equal(new[] { "host1" }, session.HostsOf("web1"));
        }

        [Fact]
        public void Confirm_false_moves_without_asking_even_where_the_session_would_ask()
        {
            var run = session.Run("$ConfirmPreference = 'Low'; Move-VMLive -VM web1 -Destination host2 -Confirm:$false");

            Assert.Empty(run.Errors);
            Assert.Equal(MigrationStatus.Succeeded, Assert.Single(run.Objects<MigrationResult>()).Status);
            Assert.Equal(new[] { "host2" }, session.HostsOf("web1"));
        }
    }
}
