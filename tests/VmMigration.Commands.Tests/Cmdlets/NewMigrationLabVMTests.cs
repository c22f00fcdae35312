using System;
using Xunit;

namespace VmMigration.Commands.Tests.Cmdlets
{
    /// <summary>New-MigrationLabVM makes guests on lab hosts only; it is refused on any other host before anything is made.</summary>
    [Collection(FakeSessionCollection.Name)]
    public sealed class NewMigrationLabVMTests : IDisposable
    {
        private readonly FakeSession session = new FakeSession();

        public void Dispose() => session.Dispose();

        [Fact]
        public void A_host_of_no_lab_is_refused_with_NotALabHost_and_no_guest_is_made()
        {
            session.Connect("host1");

            var run = session.Run("New-MigrationLabVM -Name guest1 -HostName host1");

            var error = Assert.Single(run.Errors);
            Assert.Equal("NotALabHost,VmMigration.Commands.NewMigrationLabVMCommand", error.FullyQualifiedErrorId);
            Assert.Contains("fake://host1", error.Exception.Message);
            Assert.Empty(session.HostsOf("guest1"));
        }
    }
}
