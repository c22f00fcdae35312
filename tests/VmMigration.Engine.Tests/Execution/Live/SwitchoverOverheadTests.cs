using System;
using System.IO;
using VmMigration.Execution.Live;
using VmMigration.Session;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    public sealed class SwitchoverOverheadTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "vmm-overhead-" + Guid.NewGuid().ToString("N"));
        private readonly ConnectedHost kvm01 = Host("kvm01", "qemu+ssh://kvm01/system");
        private readonly ConnectedHost kvm02 = Host("kvm02", "qemu+ssh://kvm02/system");
        private readonly ConnectedHost kvm03 = Host("kvm03", "qemu+ssh://kvm03/system");
        private readonly ConnectedHost kvm04 = Host("kvm04", "qemu+ssh://kvm04/system");

        private string StateFile => Path.Combine(directory, SwitchoverOverhead.FileName);

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        // The overhead logic never touches the connection; only the name and the URI identify a host.
        private static ConnectedHost Host(string name, string uri) => new ConnectedHost(name, new HostUri(uri), "Libvirt", null!, null);

        [Fact]
        public void The_overhead_a_host_pair_adds_is_taken_off_the_next_limit_and_never_below_the_minimum()
        {
            var overhead = new SwitchoverOverhead(StateFile);
            Assert.Equal(300, overhead.LimitFor(kvm01, kvm02, 300));

            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 260, limitMs: 100);
            Assert.Equal(160, overhead.For(kvm01, kvm02));
            Assert.Equal(140, overhead.LimitFor(kvm01, kvm02, 300));

            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 900, limitMs: 140);
            Assert.Equal(SwitchoverOverhead.MinimumLimitMs, overhead.LimitFor(kvm01, kvm02, 300));
        }

        [Fact]
        public void A_larger_overhead_is_budgeted_for_at_once_and_a_smaller_one_only_halfway()
        {
            var overhead = new SwitchoverOverhead(StateFile);
            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 150, limitMs: 100);
            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 330, limitMs: 100);
            Assert.Equal(230, overhead.For(kvm01, kvm02));

            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 100, limitMs: 70);
            Assert.Equal(130, overhead.For(kvm01, kvm02));
        }

        [Fact]
        public void What_one_process_learnt_is_budgeted_for_by_the_next_one()
        {
            new SwitchoverOverhead(StateFile).Observe(kvm01, kvm02, measuredDowntimeMs: 460, limitMs: 300);

            var nextProcess = new SwitchoverOverhead(StateFile);

            Assert.Equal(160, nextProcess.For(kvm01, kvm02));
            Assert.Equal(140, nextProcess.LimitFor(kvm01, kvm02, 300));
        }

        [Fact]
        public void Two_processes_learning_at_once_lose_neither_lesson()
        {
            var first = new SwitchoverOverhead(StateFile);
            var second = new SwitchoverOverhead(StateFile);
            Assert.Equal(0, second.For(kvm03, kvm04));

            first.Observe(kvm01, kvm02, measuredDowntimeMs: 400, limitMs: 300);
            second.Observe(kvm03, kvm04, measuredDowntimeMs: 350, limitMs: 300);

            var third = new SwitchoverOverhead(StateFile);
            Assert.Equal(100, third.For(kvm01, kvm02));
            Assert.Equal(50, third.For(kvm03, kvm04));
        }

        [Fact]
        public void A_host_is_known_by_its_uri_not_its_display_name_and_the_file_keeps_no_user_names()
        {
            var asRoot = Host("kvm01", "qemu+ssh://root@kvm01/system");
            new SwitchoverOverhead(StateFile).Observe(asRoot, kvm02, measuredDowntimeMs: 500, limitMs: 300);

            var renamed = Host("rack4-a", "qemu+ssh://kvm01/system");
            var sameNameOtherMachine = Host("kvm01", "qemu+ssh://kvm09/system");
            var later = new SwitchoverOverhead(StateFile);

            Assert.Equal(200, later.For(renamed, kvm02));
            Assert.Equal(0, later.For(sameNameOtherMachine, kvm03));
            var file = File.ReadAllText(StateFile);
            Assert.Contains("\"qemu+ssh://kvm01/system\"", file);
            Assert.DoesNotContain("root@", file);
        }

        [Fact]
        public void A_pair_never_seen_borrows_the_largest_overhead_of_its_hosts_and_strangers_start_with_none()
        {
            var overhead = new SwitchoverOverhead(StateFile);
            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 380, limitMs: 300);
            overhead.Observe(kvm01, kvm03, measuredDowntimeMs: 420, limitMs: 300);

            Assert.Equal(120, overhead.For(kvm01, kvm04));
            Assert.Equal(120, overhead.For(kvm02, kvm01));
            Assert.Equal(120, overhead.For(kvm04, kvm03));
            Assert.Equal(0, overhead.For(kvm04, Host("kvm05", "qemu+ssh://kvm05/system")));
            // What the pair itself taught wins over what its hosts suggest.
            Assert.Equal(80, overhead.For(kvm01, kvm02));
        }

        [Theory]
        [InlineData("{\"Source\": ")]
        [InlineData("not json at all")]
        [InlineData("{\"Source\": \"qemu+ssh://kvm01/system\"}")]
        public void A_corrupt_state_file_is_treated_as_empty_and_replaced_at_the_next_move(string corrupt)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(StateFile, corrupt);
            var overhead = new SwitchoverOverhead(StateFile);

            Assert.Equal(300, overhead.LimitFor(kvm01, kvm02, 300));
            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 450, limitMs: 300);

            Assert.Equal(150, overhead.For(kvm01, kvm02));
            Assert.Equal(150, new SwitchoverOverhead(StateFile).For(kvm01, kvm02));
        }

        [Fact]
        public void A_state_file_that_cannot_be_written_leaves_the_lesson_in_this_process()
        {
            // A directory where the file should be: it can be neither read nor replaced.
            Directory.CreateDirectory(StateFile);
            var overhead = new SwitchoverOverhead(StateFile);

            overhead.Observe(kvm01, kvm02, measuredDowntimeMs: 450, limitMs: 300);

            Assert.Equal(150, overhead.For(kvm01, kvm02));
        }
    }
}
