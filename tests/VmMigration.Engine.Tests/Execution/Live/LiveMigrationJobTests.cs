using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Execution.Live;
using VmMigration.Providers;
using VmMigration.Session;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Tests.Execution.Live
{
    public class LiveMigrationJobTests
    {
        private readonly FakeCluster cluster = new FakeCluster();
        private readonly FakeHost sourceHost;
        private readonly FakeHost destinationHost;
        private readonly ConnectedHost source;
        private readonly ConnectedHost destination;

        public LiveMigrationJobTests()
        {
            sourceHost = cluster.AddHost("fake://a", "a");
            destinationHost = cluster.AddHost("fake://b", "b");
            source = new ConnectedHost("a", new HostUri("fake://a"), "Fake", sourceHost, null);
            destination = new ConnectedHost("b", new HostUri("fake://b"), "Fake", destinationHost, "tcp://127.0.0.1");
        }

        private static JobProgress Sample(int iteration, long remaining, long processed, long bps = 100L << 20, long dirty = 0, int throttle = 0) => new JobProgress
        {
            Kind = JobKind.Unbounded, MemoryIteration = iteration, DataRemaining = remaining, DataProcessed = processed,
            DataTotal = 512L << 20, MemoryBytesPerSec = bps, MemoryDirtyRateBytesPerSec = dirty, AutoConvergeThrottlePercent = throttle,
        };

        private MigrationResult Run(GuestInfo guest, Action<LiveMigrationRequest>? configure = null, CancellationToken token = default, ConnectedHost? to = null, IProgress<MigrationProgress>? progress = null)
        {
            var request = new LiveMigrationRequest(new LocatedVM(source, guest), to ?? destination) { Timeout = TimeSpan.FromSeconds(5), StallTimeout = TimeSpan.FromSeconds(5) };
            configure?.Invoke(request);
            return new LiveMigrationJob(request, progress, TimeSpan.FromMilliseconds(10)).Run(token);
        }

        [Fact]
        public void A_successful_move_leaves_the_vm_running_on_the_destination_only()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.AddRange(new[] { Sample(1, 300L << 20, 200L << 20), Sample(2, 10L << 20, 500L << 20) });
            var reports = new List<MigrationProgress>();

            var result = Run(guest, progress: new Progress(reports));

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal(MigrationPhase.Completed, result.Phase);
            Assert.Equal("b", result.RunningOn);
            Assert.Equal(12, result.DowntimeMs);
            Assert.Null(sourceHost.FindGuest("web1"));
            Assert.Equal(VMState.Running, destinationHost.FindGuest("web1")!.State);
            Assert.Equal("tcp://127.0.0.1", sourceHost.LastParameters!.MigrationUri);
            Assert.True(reports.Last().Completed);
        }

        [Fact]
        public void A_single_move_carries_the_convergence_model_prediction_made_before_it_started()
        {
            var guest = sourceHost.AddGuest("web1", memoryMB: 1024);
            sourceHost.DirtyRate = 20;
            sourceHost.Samples.Add(Sample(1, 10L << 20, 500L << 20));

            var result = Run(guest, r => { r.BandwidthMBps = 64; r.MaxDowntimeMs = 200; });

            var prediction = Assert.IsType<MigrationPrediction>(result.Prediction);
            var expected = new VmMigration.Planning.ConvergenceModel(64, 200).Predict(1024, 20);
            Assert.Equal(64, prediction.BandwidthMBps);
            Assert.Equal(20, prediction.DirtyRateMBps);
            Assert.Equal((long)Math.Round(expected.DurationSec * 1000), prediction.DurationMs);
            Assert.Equal(expected.Converges, prediction.Converges);
        }

        [Fact]
        public void A_destination_that_dies_mid_transfer_leaves_the_vm_on_its_source_and_removes_the_incoming_copy()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.DestinationDies;

            var result = Run(guest);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(MigrationPhase.PreCopy, result.Phase);
            Assert.Equal(ErrorIds.MigrationFailed, result.ErrorId);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
            Assert.Null(destinationHost.FindGuest("web1"));
            Assert.Contains("Connection reset", result.Message);
        }

        [Fact]
        public void A_copy_left_on_a_destination_whose_daemon_died_goes_at_the_first_call_once_it_answers_again()
        {
            var daemonBack = false;
            cluster.OnConnect = (uri, _) =>
            {
                if (uri == "fake://b" && !daemonBack) throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.ConnectionError, "Connection refused", uri);
            };
            var reopening = new ConnectedHost("b", new HostUri("fake://b"), "Fake", destinationHost, "tcp://127.0.0.1",
                reopen: () => cluster.Connect("fake://b", null, TimeSpan.FromSeconds(1), CancellationToken.None));
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.DestinationDies;
            sourceHost.DestinationDaemonDies = true;

            var result = Run(guest, to: reopening);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal(VMState.Paused, destinationHost.Guest("web1")!.State);
            Assert.Contains("it is removed when 'b' answers again", result.Message);
            Assert.Contains("If Get-MigrationVM still lists it there as Paused", result.Message);
            Assert.Throws<MigrationException>(() => reopening.Connection.ListGuests());
            Assert.NotNull(destinationHost.Guest("web1"));

            daemonBack = true;
            Assert.Empty(reopening.Connection.ListGuests());
            Assert.Null(destinationHost.Guest("web1"));
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
        }

        [Fact]
        public void A_destination_whose_daemon_dies_right_after_the_switch_is_named_as_unknown_not_as_not_running()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.DestinationDiesAfterSwitch;

            var result = Run(guest);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal("", result.RunningOn);
            Assert.Equal(VMState.Running, destinationHost.Guest("web1")!.State);
            Assert.Contains("'b' does not confirm it runs there", result.Message);
            Assert.Contains("Where VM 'web1' runs is not known: 'b' could not be asked", result.Message);
            Assert.DoesNotContain("is not running on either host", result.Message);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Message!, "Nothing was removed"));
        }

        [Fact]
        public void An_incomplete_copy_goes_when_the_vm_moved_on_to_another_host_and_stays_when_it_runs_nowhere_else()
        {
            var registry = new HostRegistry(cluster.RegisterIn(new HypervisorProviders()));
            var third = cluster.AddHost("fake://c", "c");
            foreach (var name in new[] { "a", "b", "c" }) registry.Connect(new HostUri($"fake://{name}"), name, null, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            var vm = third.AddGuest("web1");
            destinationHost.Put(new GuestInfo { Name = "web1", Uuid = vm.Uuid, State = VMState.Paused, MemoryMB = 256, Persistent = false });

            LiveMigrationJob.RemoveIncompleteCopy(registry.Resolve("a"), registry.Resolve("b"), vm.Uuid);

            Assert.Null(destinationHost.Guest("web1"));
            Assert.Equal(VMState.Running, third.Guest("web1")!.State);

            third.UndefineGuest("web1");
            destinationHost.Put(new GuestInfo { Name = "web1", Uuid = vm.Uuid, State = VMState.Paused, MemoryMB = 256, Persistent = false });

            LiveMigrationJob.RemoveIncompleteCopy(registry.Resolve("a"), registry.Resolve("b"), vm.Uuid);

            Assert.NotNull(destinationHost.Guest("web1"));
        }

        [Fact]
        public void A_stalled_transfer_is_aborted_by_the_watchdog()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.Stall;

            var result = Run(guest, r => r.StallTimeout = TimeSpan.FromMilliseconds(200));

            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(ErrorIds.MigrationStalled, result.ErrorId);
            Assert.Contains("Abort web1", sourceHost.Calls);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
            Assert.Contains("the VM keeps running on 'a'.", result.Message);
            Assert.DoesNotContain("is running on", result.Message);
        }

        [Theory]
        // Whether the failure already says where the VM runs is a fact it carries, not something read in its words.
        [InlineData(false, "operation failed: job 'migration out' failed: the peer keeps running its own job", true)]
        [InlineData(true, "operation failed: job 'migration out' failed; the guest stays on its source", false)]
        public void The_result_says_where_the_vm_runs_unless_the_failure_already_says_it(bool saysWhereVmRuns, string failure, bool sentenceAdded)
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.DestinationDies;
            sourceHost.DestinationDeathError = new MigrationException(ErrorIds.MigrationFailed, ErrorKind.InvalidOperation, failure, "web1", saysWhereVmRuns: saysWhereVmRuns);

            var result = Run(guest);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal(sentenceAdded ? failure + " VM 'web1' is running on 'a'." : failure, result.Message);
        }

        [Theory]
        [InlineData(MigrationStrategy.PreCopy, false, "-TimeoutSec")]
        [InlineData(MigrationStrategy.Auto, false, "-AllowPostCopy")]
        public void Pre_copy_that_never_converges_is_aborted_at_the_deadline_and_says_what_to_do(MigrationStrategy strategy, bool allowPostCopy, string advice)
        {
            var guest = sourceHost.AddGuest("busy");
            for (var i = 0; i < 5; i++)
            {
                sourceHost.Samples.Add(Sample(i + 1, 200L << 20, (i + 1) * (100L << 20), dirty: 120L << 20));
            }
            sourceHost.Outcome = FakeOutcome.NeverConverge;

            var result = Run(guest, r => { r.Strategy = strategy; r.AllowPostCopy = allowPostCopy; r.Timeout = TimeSpan.FromMilliseconds(400); });

            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(ErrorIds.MigrationNotConverging, result.ErrorId);
            Assert.Contains(advice, result.Message);
            Assert.DoesNotContain("is running on", result.Message);
            Assert.Equal("a", result.RunningOn);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("busy")!.State);
        }

        [Fact]
        public void Auto_takes_the_post_copy_step_only_when_permitted_and_then_finishes()
        {
            var guest = sourceHost.AddGuest("busy");
            for (var i = 0; i < 6; i++)
            {
                sourceHost.Samples.Add(Sample(i + 1, 200L << 20, (i + 1) * (100L << 20), dirty: 120L << 20, throttle: 20 + 10 * i));
            }
            sourceHost.Outcome = FakeOutcome.NeverConverge;

            var result = Run(guest, r => { r.AllowPostCopy = true; r.Timeout = TimeSpan.FromSeconds(10); });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Contains("PostCopy", sourceHost.Calls);
            Assert.Contains(result.Escalations, e => e.Action == "PostCopy");
            Assert.True(sourceHost.LastParameters!.AllowPostCopy);
            Assert.True(result.MaxThrottlePercent >= 40);
        }

        [Fact]
        public void Auto_raises_the_downtime_limit_but_never_past_the_users_maximum()
        {
            var guest = sourceHost.AddGuest("web1");
            // 60 MiB left at 100 MiB/s predicts 600 ms: over the initial 100 ms limit and over the user's 250 ms.
            sourceHost.Samples.AddRange(new[] { Sample(1, 300L << 20, 100L << 20), Sample(2, 60L << 20, 400L << 20), Sample(3, 60L << 20, 500L << 20) });
            // Each sample outlives a few polls, so the controller sees every iteration.
            sourceHost.SampleInterval = TimeSpan.FromMilliseconds(60);

            var result = Run(guest, r => r.MaxDowntimeMs = 250);

            Assert.Equal(ConvergenceController.AutoInitialDowntimeMs, sourceHost.LastParameters!.InitialMaxDowntimeMs);
            Assert.Contains("MaxDowntime 250", sourceHost.Calls);
            Assert.DoesNotContain(sourceHost.Calls, c => c.StartsWith("MaxDowntime") && c != "MaxDowntime 250");
            Assert.Contains(result.Escalations, e => e.Action == "RaiseDowntime");
        }

        [Fact]
        public void Auto_sends_re_dirtied_pages_as_deltas_when_the_guest_dirties_half_the_bandwidth_or_more()
        {
            var guest = sourceHost.AddGuest("hot", memoryMB: 192);
            sourceHost.DirtyRate = 48;

            var result = Run(guest, r => r.BandwidthMBps = 32);

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("Xbzrle", sourceHost.LastParameters!.Compression);
            Assert.Equal(256, sourceHost.LastParameters.DeltaCacheMB);
            var escalation = Assert.Single(result.Escalations, e => e.Action == "DeltaCompression");
            Assert.Equal(0, escalation.AtMs);
            Assert.Contains("48 MiB/s", escalation.Detail);
            Assert.Equal(48, result.DirtyRateMBps);
        }

        [Theory]
        [InlineData(MigrationStrategy.Auto, "Auto", 1, 8.0)]      // a guest that dirties slowly converges without
        [InlineData(MigrationStrategy.Auto, "None", 1, 48.0)]     // the user said no compression
        [InlineData(MigrationStrategy.Auto, "Auto", 4, 48.0)]     // deltas need the single stream
        [InlineData(MigrationStrategy.PreCopy, "Auto", 1, 48.0)]  // only Auto decides for the user
        public void Deltas_stay_off_unless_auto_may_choose_them_and_the_guest_is_hot(MigrationStrategy strategy, string compression, int connections, double dirtyMBps)
        {
            var guest = sourceHost.AddGuest("web1", memoryMB: 192);
            sourceHost.DirtyRate = dirtyMBps;

            var result = Run(guest, r => { r.Strategy = strategy; r.Compression = compression; r.ParallelConnections = connections; r.BandwidthMBps = 32; });

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("None", sourceHost.LastParameters!.Compression);
            Assert.DoesNotContain(result.Escalations, e => e.Action == "DeltaCompression");
        }

        [Theory]
        [InlineData(8.0, "None")]     // 8 MiB/s against the 32 it will transfer at: plain pre-copy converges
        [InlineData(24.0, "Xbzrle")]  // 24 against 32: worth deltas
        public void Deltas_are_judged_against_the_bandwidth_the_move_will_transfer_at_not_the_share_it_holds_while_preparing(double dirtyMBps, string expected)
        {
            var guest = sourceHost.AddGuest("web1", memoryMB: 192);
            sourceHost.DirtyRate = dirtyMBps;

            Run(guest, r => { r.BandwidthMBps = 1; r.TransferBandwidthMBps = 32; });

            Assert.Equal(expected, sourceHost.LastParameters!.Compression);
            Assert.Equal(1, sourceHost.LastParameters.BandwidthMBps);
        }

        [Fact]
        public void Deltas_stay_off_when_the_source_has_no_room_for_the_page_cache()
        {
            var guest = sourceHost.AddGuest("hot", memoryMB: 192);
            sourceHost.DirtyRate = 48;
            sourceHost.FreeMemoryMB = 200;

            Run(guest, r => r.BandwidthMBps = 32);

            Assert.Equal("None", sourceHost.LastParameters!.Compression);
        }

        [Fact]
        public void Xbzrle_asked_for_is_used_with_any_strategy()
        {
            var guest = sourceHost.AddGuest("web1", memoryMB: 512);

            Run(guest, r => { r.Strategy = MigrationStrategy.PreCopy; r.Compression = "Xbzrle"; });

            Assert.Equal("Xbzrle", sourceHost.LastParameters!.Compression);
            Assert.Equal(512, sourceHost.LastParameters.DeltaCacheMB);
        }

        [Fact]
        public void Zstd_is_asked_of_libvirt_from_9_4_on()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.LibvirtVersion = "9.4.0";

            var result = Run(guest, r => r.Compression = "Zstd");

            Assert.Equal(MigrationStatus.Succeeded, result.Status);
            Assert.Equal("Zstd", sourceHost.LastParameters!.Compression);
        }

        [Fact]
        public void Cancelling_aborts_the_hypervisor_job_and_the_vm_stays_on_its_source()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.NeverConverge;
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

            var result = Run(guest, token: cancellation.Token);

            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(ErrorIds.MigrationAborted, result.ErrorId);
            Assert.Equal(MigrationPhase.PreCopy, result.Phase);
            Assert.Contains("stopped by the user", result.Message);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
        }

        [Fact]
        public void Stopped_while_the_migration_still_opens_its_connection_the_abort_is_asked_again_until_the_job_takes_it()
        {
            var guest = sourceHost.AddGuest("web1");
            sourceHost.Samples.Add(Sample(1, 300L << 20, 200L << 20));
            sourceHost.Outcome = FakeOutcome.NeverConverge;
            sourceHost.JobStartDelay = TimeSpan.FromMilliseconds(300);
            using var cancellation = new CancellationTokenSource();
            sourceHost.OnStep = call => { if (call == "Migrate") cancellation.Cancel(); };
            var clock = System.Diagnostics.Stopwatch.StartNew();

            var result = Run(guest, token: cancellation.Token);

            Assert.Equal(MigrationStatus.Aborted, result.Status);
            Assert.Equal(ErrorIds.MigrationAborted, result.ErrorId);
            Assert.Equal(VMState.Running, sourceHost.FindGuest("web1")!.State);
            Assert.True(sourceHost.Calls.Count(c => c == "Abort web1") >= 2, "the first abort found no job and was asked again");
            // The job itself was aborted: the fallback that destroys the destination's incoming copy was never needed.
            Assert.DoesNotContain(result.Escalations, e => e.Action == "DestroyIncomingCopy");
            Assert.True(clock.Elapsed < LiveMigrationJob.AbortGrace, $"took {clock.Elapsed}");
        }

        public static IEnumerable<object[]> RefusedBeforeAnythingMoves()
        {
            yield return new object[] { "same host", ErrorIds.DestinationIsSource };
            yield return new object[] { "same machine under another name", ErrorIds.DestinationIsSource };
            yield return new object[] { "shut off", ErrorIds.VmNotRunning };
            yield return new object[] { "name taken on destination", ErrorIds.VmExistsOnDestination };
            yield return new object[] { "destination too small", ErrorIds.InsufficientCapacity };
            yield return new object[] { "destination CPU lacks the guest's model", ErrorIds.CpuIncompatible };
            yield return new object[] { "job already running", ErrorIds.MigrationInProgress };
            yield return new object[] { "zstd asked of a libvirt older than 9.4", ErrorIds.CompressionUnsupported };
        }

        [Theory]
        [MemberData(nameof(RefusedBeforeAnythingMoves))]
        public void Refused_moves_fail_in_prepare_and_change_nothing(string situation, string expectedId)
        {
            var guest = sourceHost.AddGuest("web1", situation == "shut off" ? VMState.ShutOff : VMState.Running, memoryMB: 1024);
            var to = destination;
            switch (situation)
            {
                case "same host":
                    to = source;
                    break;
                case "same machine under another name":
                    destinationHost.HostUuid = sourceHost.HostUuid;
                    break;
                case "name taken on destination":
                    destinationHost.AddGuest("web1", VMState.ShutOff);
                    break;
                case "destination CPU lacks the guest's model":
                    destinationHost.CpuCompatible = false;
                    break;
                case "destination too small":
                    destinationHost.FreeMemoryMB = 512;
                    break;
                case "zstd asked of a libvirt older than 9.4":
                    sourceHost.LibvirtVersion = "9.0.0";
                    break;
                case "job already running":
                    sourceHost.Samples.Add(Sample(1, 1, 1));
                    sourceHost.Outcome = FakeOutcome.NeverConverge;
                    var first = new Thread(() => { try { sourceHost.MigrateLive("web1", "fake://b", new LiveMigrationParameters()); } catch (MigrationException) { } });
                    first.Start();
                    SpinWait.SpinUntil(() => sourceHost.GetJobProgress("web1") != null, 2000);
                    break;
            }

            var callsBefore = sourceHost.Calls.Count;
            var result = Run(guest, situation.StartsWith("zstd", StringComparison.Ordinal) ? r => r.Compression = "Zstd" : null, to: to);

            Assert.Equal(MigrationStatus.Failed, result.Status);
            Assert.Equal(MigrationPhase.Prepare, result.Phase);
            Assert.Equal(expectedId, result.ErrorId);
            Assert.Equal(VMState.Running == guest.State ? VMState.Running : VMState.ShutOff, sourceHost.FindGuest("web1")!.State);
            Assert.Equal(callsBefore, sourceHost.Calls.Count);
            if (situation == "job already running")
            {
                sourceHost.AbortJob("web1");
            }
        }

        private sealed class Progress : IProgress<MigrationProgress>
        {
            private readonly List<MigrationProgress> sink;
            public Progress(List<MigrationProgress> sink) => this.sink = sink;
            public void Report(MigrationProgress value) { lock (sink) { sink.Add(value); } }
        }
    }
}
