using System;
using System.IO;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Execution.Evacuation;
using VmMigration.State;
using Xunit;

namespace VmMigration.Tests.State
{
    public sealed class StateFilesTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-state-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        [Fact]
        public void An_atomic_write_replaces_the_whole_file_and_leaves_no_temporary_behind()
        {
            var path = Path.Combine(directory, "state.json");
            AtomicFile.WriteAllText(path, "first");
            AtomicFile.WriteAllText(path, "second, longer");

            Assert.Equal("second, longer", File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(directory));
        }

        [Fact]
        public void Maintenance_marks_are_seen_by_a_second_store_on_the_same_file_and_matched_by_host_uuid()
        {
            var path = Path.Combine(directory, "maintenance.json");
            var first = new MaintenanceStore(path);
            first.Enter("3f1c2d4e-0000-4000-8000-000000000001", "kvm01", "disk replacement", null);

            var second = new MaintenanceStore(path);
            Assert.NotNull(second.Find("3f1c2d4e-0000-4000-8000-000000000001", "renamed-host"));
            Assert.Null(second.Find("3f1c2d4e-0000-4000-8000-000000000002", "kvm01"));

            var left = second.Leave("3f1c2d4e-0000-4000-8000-000000000001", "kvm01");
            Assert.Equal("disk replacement", left!.Reason);
            Assert.Empty(first.List());
        }

        [Fact]
        public void Entering_maintenance_twice_keeps_the_first_mark()
        {
            var store = new MaintenanceStore(Path.Combine(directory, "maintenance.json"));
            var mark = store.Enter("u1", "kvm01", "first", null);
            var again = store.Enter("u1", "kvm01", "second", "/tmp/j.json");

            Assert.Equal(mark.Since, again.Since);
            Assert.Equal("first", again.Reason);
            Assert.Equal("/tmp/j.json", store.List().Single().JournalPath);
        }

        [Fact]
        public void A_corrupt_maintenance_file_is_reported_with_its_path_and_a_stable_id()
        {
            var path = Path.Combine(directory, "maintenance.json");
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, "[{\"HostUuid\": ");

            var error = Assert.Throws<MigrationException>(() => new MaintenanceStore(path).List());
            Assert.Equal(ErrorIds.InvalidStateFile, error.ErrorId);
            Assert.Contains(path, error.Message);
        }

        [Fact]
        public void A_journal_reloads_every_entry_as_last_recorded()
        {
            var path = Path.Combine(directory, "evacuation.json");
            var journal = EvacuationJournal.Create(path, "kvm01", "u1");
            var entry = new EvacuationJournalEntry { VMName = "web1", Uuid = "vm-1", Source = "kvm01", Destination = "kvm02" };
            var inFlight = entry.With(EvacuationStepState.InFlight);
            journal.Record(inFlight);
            journal.Record(inFlight.With(EvacuationStepState.Failed, ErrorIds.MigrationFailed, "boom"));
            journal.Record(new EvacuationJournalEntry { VMName = "db1", Uuid = "vm-2", Source = "kvm01", Destination = "kvm03" });

            var reloaded = EvacuationJournal.Load(path);

            Assert.Equal("kvm01", reloaded.HostName);
            Assert.Equal(2, reloaded.Entries.Count);
            var web = reloaded.Find("vm-1")!;
            Assert.Equal(EvacuationStepState.Failed, web.State);
            Assert.Equal(ErrorIds.MigrationFailed, web.ErrorId);
            Assert.NotNull(web.StartedAt);
            Assert.Equal(EvacuationStepState.Pending, reloaded.Find("vm-2")!.State);
            Assert.Contains("\"Failed\"", File.ReadAllText(path));
        }

        [Fact]
        public void Resuming_without_a_journal_says_there_is_nothing_to_resume()
        {
            var error = Assert.Throws<MigrationException>(() => EvacuationJournal.Load(Path.Combine(directory, "none.json")));
            Assert.Equal(ErrorIds.InvalidStateFile, error.ErrorId);
            Assert.Contains("nothing to resume", error.Message);
        }
    }
}
