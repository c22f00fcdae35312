using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using VmMigration.Errors;

namespace VmMigration.Session
{
    /// <summary>What a call does to its host, which decides what happens when the host does not answer it in time.</summary>
    public enum HostCallKind
    {
        /// <summary>Reads only: honours cancellation (giving up on a read changes nothing).</summary>
        Read,

        /// <summary>Changes the host: never given up on a stop request (its outcome would be unknown); undone if it lands after its limit.</summary>
        Change,

        /// <summary>
        /// Takes back what an earlier call made or removes what nothing uses any more (a volume, a copy job, temporary
        /// overlays): when the host has not answered an earlier call, it is queued and sent as soon as the host answers.
        /// </summary>
        Cleanup,
    }

    /// <summary>
    /// The one place a call to a host is run: on a thread of its own, within a time limit, so that one silent host never
    /// stalls a command. A call that overruns is abandoned, and until it returns the host counts as not answering: every
    /// further call fails at once (an operation pays one limit per frozen host, not one per call) and no call is sent
    /// behind one that may still land, so the host applies calls in the order the caller saw them. When the abandoned call
    /// returns, its undo runs if it was a change that landed (the caller was told it failed), then the queued cleanups, in
    /// order, before any other call may pass.
    /// </summary>
    public sealed class HostCallGate
    {
        private readonly object sync = new object();
        private readonly Queue<Action> queuedCleanups = new Queue<Action>();
        private readonly Queue<Action> whenReachable = new Queue<Action>();
        private bool sendingWhenReachable;
        /// <summary>How many times the clean-up at the head of <see cref="whenReachable"/> reached the host and went unanswered.</summary>
        private int headOverruns;
        /// <summary>Calls that overran their limit, ever: tells a kept clean-up that failed by not answering from one that was not sent.</summary>
        private int overruns;
        private readonly Func<TimeSpan> callLimit;
        private int unanswered;
        private string? oldestUnanswered;
        private TimeSpan oldestLimit;

        public HostCallGate(string hostName, Func<TimeSpan> callLimit) : this(hostName, callLimit, SecretRedaction.None)
        {
        }

        /// <param name="redaction">the secrets of the host's connection, taken out of every error its calls throw</param>
        internal HostCallGate(string hostName, Func<TimeSpan> callLimit, SecretRedaction redaction)
        {
            HostName = hostName;
            this.callLimit = callLimit;
            Redaction = redaction;
        }

        /// <summary>The host as errors name it.</summary>
        public string HostName { get; }

        /// <summary>What the errors of this host's calls are passed through before they reach the caller.</summary>
        internal SecretRedaction Redaction { get; }

        /// <summary>How long a call of the standard limit may take now (the registry's CallTimeout).</summary>
        public TimeSpan CallLimit => callLimit();

        /// <summary>True for the error of a call the host did not answer in time, or that was not sent because it had not answered.</summary>
        public static bool DidNotAnswer(MigrationException error) => error.ErrorId == ErrorIds.HostUnreachable && error.Kind == ErrorKind.OperationTimeout;

        /// <summary>Fails at once while the host has not answered an earlier call; for calls that run on the caller's thread (a whole migration).</summary>
        public void EnsureAnswering(string what)
        {
            lock (sync)
            {
                if (unanswered > 0) throw NotSent(what, queued: false);
            }
        }

        /// <summary>
        /// Keeps <paramref name="cleanup"/> for when the host can be reached again: it runs, on its own calls (each bounded),
        /// before the next call to this host that the process makes, and stays queued while the host is still unreachable.
        /// For what a job could not take back on a host that was down (its daemon dead, its connection lost).
        /// </summary>
        public void WhenReachable(Action cleanup)
        {
            lock (sync)
            {
                whenReachable.Enqueue(cleanup);
            }
        }

        /// <summary>
        /// A kept clean-up that reached the host and went unanswered this many times is given up: each try costs the call
        /// it runs before a whole limit (and fails it), so a clean-up the host cannot complete must not cost every call.
        /// </summary>
        public const int MaxKeptCleanupOverruns = 2;

        /// <summary>The clean-ups kept for a host that was unreachable, in order; the first that finds it still unreachable stops the rest.</summary>
        private void SendWhenReachable()
        {
            while (true)
            {
                Action next;
                int overrunsBefore;
                lock (sync)
                {
                    if (sendingWhenReachable || unanswered > 0 || whenReachable.Count == 0) return;
                    sendingWhenReachable = true;
                    next = whenReachable.Peek();
                    overrunsBefore = overruns;
                }
                try
                {
                    next();
                }
                catch (MigrationException error) when (error.ErrorId == ErrorIds.HostUnreachable || error.ErrorId == ErrorIds.HostConnectTimeout)
                {
                    lock (sync)
                    {
                        sendingWhenReachable = false;
                        // It reached the host and was not answered in time (rather than finding the host down): its late
                        // answer stands when it comes, and after MaxKeptCleanupOverruns such tries it is not sent again.
                        if (DidNotAnswer(error) && overruns > overrunsBefore && ++headOverruns >= MaxKeptCleanupOverruns && whenReachable.Count > 0 && ReferenceEquals(whenReachable.Peek(), next))
                        {
                            whenReachable.Dequeue();
                            headOverruns = 0;
                        }
                    }
                    return; // still not reachable, or not answering: kept for the next call
                }
                catch (Exception)
                {
                    // It failed for another reason: the host's answer stands, and the clean-up is not retried.
                }
                lock (sync)
                {
                    sendingWhenReachable = false;
                    if (whenReachable.Count > 0 && ReferenceEquals(whenReachable.Peek(), next)) whenReachable.Dequeue();
                    headOverruns = 0;
                }
            }
        }

        /// <param name="extraAllowance">added to the standard limit: how long the call itself says it may block (a period, a timeout)</param>
        /// <param name="undoWhenLate">for a change: takes it back on the host when it completes after it was reported as not answered</param>
        public T Run<T>(string what, HostCallKind kind, TimeSpan extraAllowance, CancellationToken cancellationToken, Func<T> call, Action<T>? undoWhenLate = null)
        {
            SendWhenReachable();
            lock (sync)
            {
                if (unanswered > 0)
                {
                    if (kind == HostCallKind.Cleanup)
                    {
                        queuedCleanups.Enqueue(() => call());
                    }
                    throw NotSent(what, queued: kind == HostCallKind.Cleanup);
                }
            }

            var limit = CallLimit + extraAllowance;
            var task = DedicatedThread.Start(call);
            bool answered;
            try
            {
                answered = task.Wait(Milliseconds(limit), kind == HostCallKind.Read ? cancellationToken : CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                // A read given up on: it returns on its own soon enough, and changes nothing when it does.
                Observe(task);
                throw;
            }
            catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(Redaction.Redact(aggregate.InnerException!)).Throw();
                throw;
            }
            if (answered) return task.Result;

            lock (sync)
            {
                overruns++;
                if (unanswered++ == 0)
                {
                    oldestUnanswered = what;
                    oldestLimit = limit;
                }
            }
            task.ContinueWith(late =>
            {
                if (late.Status == TaskStatus.RanToCompletion && undoWhenLate != null)
                {
                    BestEffort(() => undoWhenLate(late.Result));
                }
                _ = late.Exception;
                Answered();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new MigrationException(ErrorIds.HostUnreachable, ErrorKind.OperationTimeout,
                $"Host '{HostName}' did not answer {what} within {limit.TotalSeconds:0.#} s. Check that the host and its libvirtd are up, or disconnect it with Disconnect-MigrationHost.",
                HostName);
        }

        /// <summary>One abandoned call returned: the last one to return sends the queued cleanups, then lets calls pass again.</summary>
        private void Answered()
        {
            while (true)
            {
                Action next;
                lock (sync)
                {
                    if (unanswered > 1 || queuedCleanups.Count == 0)
                    {
                        if (--unanswered == 0) oldestUnanswered = null;
                        return;
                    }
                    next = queuedCleanups.Dequeue();
                }
                BestEffort(next);
            }
        }

        private MigrationException NotSent(string what, bool queued) => new MigrationException(ErrorIds.HostUnreachable, ErrorKind.OperationTimeout,
            $"Host '{HostName}' did not answer {oldestUnanswered} within {oldestLimit.TotalSeconds:0.#} s and has not answered since, so {what} " +
            (queued ? "is queued and is sent as soon as it answers." : "was not sent.") +
            " Check that the host and its libvirtd are up, or disconnect it with Disconnect-MigrationHost.",
            HostName);

        private static void Observe(Task task) => task.ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);

        private static void BestEffort(Action step)
        {
            try
            {
                step();
            }
            catch (Exception)
            {
                // Nobody waits for it any more; what it left is named in the result of the call that gave up on it.
            }
        }

        private static int Milliseconds(TimeSpan limit) => (int)Math.Max(0, Math.Min(int.MaxValue, limit.TotalMilliseconds));
    }
}
