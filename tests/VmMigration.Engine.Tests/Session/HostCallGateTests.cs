using System;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Session
{
    /// <summary>The gate's promises to the calls behind a host that is slow or gone: bounded, in order, never wedged for good.</summary>
    public sealed class HostCallGateTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(150);

        [Fact]
        public void A_kept_cleanup_the_host_takes_but_never_answers_in_time_stops_costing_calls_after_its_last_try()
        {
            var gate = new HostCallGate("b", () => Limit);
            var tries = 0;
            using var lateAnswer = new ManualResetEventSlim(false);
            gate.WhenReachable(() => gate.Run("the power-off of VM 'web1'", HostCallKind.Change, TimeSpan.Zero, CancellationToken.None, () =>
            {
                Interlocked.Increment(ref tries);
                Thread.Sleep(Limit * 3); // reaches the host, which answers after the limit
                return true;
            }));

            for (int call = 0; call < HostCallGate.MaxKeptCleanupOverruns; call++)
            {
                var error = Assert.Throws<MigrationException>(() => gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 0));
                Assert.True(HostCallGate.DidNotAnswer(error));
                Assert.Contains("the power-off of VM 'web1'", error.Message);
                WaitUntilAnswering(gate);
            }

            Assert.Equal(42, gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 42));
            Assert.Equal(42, gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 42));
            Assert.Equal(HostCallGate.MaxKeptCleanupOverruns, Volatile.Read(ref tries));
        }

        [Fact]
        public void A_kept_cleanup_stays_kept_however_often_the_host_is_still_down()
        {
            var gate = new HostCallGate("b", () => Limit);
            var down = true;
            var done = 0;
            gate.WhenReachable(() =>
            {
                if (down) throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, "Connection refused", "b");
                done++;
            });

            for (int call = 0; call < HostCallGate.MaxKeptCleanupOverruns + 3; call++)
            {
                Assert.Equal(1, gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 1));
            }
            down = false;
            gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 1);
            gate.Run("its list of VMs", HostCallKind.Read, TimeSpan.Zero, CancellationToken.None, () => 1);

            Assert.Equal(1, done);
        }

        [Fact]
        public void A_power_off_that_takes_libvirts_kill_escalation_is_answered_not_reported_as_silent()
        {
            var cluster = new FakeCluster();
            var host = cluster.AddHost("fake://b", "b");
            host.AddGuest("web1");
            host.OnStep = step => { if (step == "Destroy") Thread.Sleep(Limit * 4); };
            var connected = new ConnectedHost("b", new HostUri("fake://b"), "Fake", host, null, () => Limit);

            connected.Connection.DestroyGuest("web1");

            Assert.Equal(VMState.ShutOff, host.Guest("web1")!.State);
            Assert.True(BoundedHostConnection.KillEscalation > Limit * 4);
        }

        [Fact]
        public void A_power_off_refused_after_libvirts_job_lock_wait_is_libvirts_answer_and_the_host_still_answers()
        {
            // Libvirt refuses a power-off after waiting 30 s for a guest's job lock; the limit must outlast that wait,
            // whatever the standard limit, or the host is taken for silent and the calls after it are refused.
            var cluster = new FakeCluster();
            var host = cluster.AddHost("fake://b", "b");
            host.AddGuest("web1");
            var lockWait = TimeSpan.FromMilliseconds(Limit.TotalMilliseconds * 4);
            host.OnStep = step =>
            {
                if (step != "Destroy") return;
                Thread.Sleep(lockWait);
                throw new MigrationException(ErrorIds.LibvirtError, ErrorKind.OperationTimeout, "Timed out during operation: cannot acquire state change lock", "web1");
            };
            var connected = new ConnectedHost("b", new HostUri("fake://b"), "Fake", host, null, () => Limit);

            var error = Assert.Throws<MigrationException>(() => connected.Connection.DestroyGuest("web1"));

            Assert.Equal(ErrorIds.LibvirtError, error.ErrorId);
            Assert.Contains("state change lock", error.Message);
            Assert.NotNull(connected.Connection.FindGuest("web1"));
            Assert.True(BoundedHostConnection.JobLockWait + TimeSpan.FromSeconds(5) > BoundedHostConnection.KillEscalation + ConnectedHost.DefaultCallTimeout,
                "with the standard limit, the job lock wait is what bounds a power-off");
        }

        private static void WaitUntilAnswering(HostCallGate gate)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    gate.EnsureAnswering("a check");
                    return;
                }
                catch (MigrationException)
                {
                    Thread.Sleep(20);
                }
            }
            throw new TimeoutException("the gate still counts the host as not answering");
        }
    }
}
