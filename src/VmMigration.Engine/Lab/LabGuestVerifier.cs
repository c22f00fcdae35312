using System.Collections.Generic;
using System.Globalization;

namespace VmMigration.Lab
{
    /// <summary>
    /// Judges two snapshots of the same lab guest taken a moment apart (typically before and after a migration, or
    /// twice after it): is the pattern intact, and is the guest still alive and writing?
    /// </summary>
    public static class LabGuestVerifier
    {
        public static LabGuestVerdict Verify(LabGuestSnapshot earlier, LabGuestSnapshot later)
        {
            var problems = new List<string>();
            bool intact = AddIntegrityProblems(problems, "earlier", earlier) & AddIntegrityProblems(problems, "later", later);
            bool advancing = false;

            if (earlier.HeaderFound && later.HeaderFound)
            {
                bool sameGuest = AddParameterProblems(problems, earlier, later);
                intact &= sameGuest;
                advancing = sameGuest && AddProgressProblems(problems, earlier, later);
            }

            string message = problems.Count == 0
                ? string.Format(CultureInfo.InvariantCulture,
                    "intact and advancing: {0} pages checked, pass {1} -> {2}, heartbeat {3} -> {4}",
                    later.PagesChecked, earlier.Pass, later.PassAfter, earlier.Heartbeat, later.HeartbeatAfter)
                : string.Join("; ", problems);
            return new LabGuestVerdict(intact, advancing, problems, message);
        }

        private static bool AddIntegrityProblems(List<string> problems, string which, LabGuestSnapshot s)
        {
            if (!s.HeaderFound)
            {
                problems.Add(which + " snapshot: " + (s.Problems.Count > 0 ? s.Problems[0] : "no lab guest header"));
                return false;
            }

            if (s.CorruptPages == 0 && s.StalePages == 0) return true;
            problems.Add(string.Format(CultureInfo.InvariantCulture,
                "{0} snapshot: {1} of {2} pages corrupt, {3} stale (pass outside {4}..{5}); first: {6}",
                which, s.CorruptPages, s.PagesChecked, s.StalePages, s.Pass == 0 ? 0 : s.Pass - 1, s.PassAfter,
                s.Problems.Count > 0 ? s.Problems[0] : "none recorded"));
            return false;
        }

        private static bool AddParameterProblems(List<string> problems, LabGuestSnapshot a, LabGuestSnapshot b)
        {
            if (a.WorkingSetBase == b.WorkingSetBase && a.PageCount == b.PageCount && a.RateMBps == b.RateMBps && a.Mode == b.Mode)
                return true;
            problems.Add(string.Format(CultureInfo.InvariantCulture,
                "the guest's parameters changed ({0} pages at {1} MiB/s {2} -> {3} pages at {4} MiB/s {5}): it rebooted, or it is another guest",
                a.PageCount, a.RateMBps, a.Mode, b.PageCount, b.RateMBps, b.Mode));
            return false;
        }

        private static bool AddProgressProblems(List<string> problems, LabGuestSnapshot a, LabGuestSnapshot b)
        {
            int before = problems.Count;
            if (b.Heartbeat < a.HeartbeatAfter)
                problems.Add(string.Format(CultureInfo.InvariantCulture,
                    "heartbeat went backwards ({0} -> {1}): the guest restarted or its memory is older than before", a.HeartbeatAfter, b.Heartbeat));
            else if (b.HeartbeatAfter <= a.HeartbeatAfter)
                problems.Add(string.Format(CultureInfo.InvariantCulture,
                    "heartbeat did not advance ({0} -> {1}): the guest is paused, stopped or hung", a.HeartbeatAfter, b.HeartbeatAfter));

            if (b.Pass < a.PassAfter)
                problems.Add(string.Format(CultureInfo.InvariantCulture,
                    "pass went backwards ({0} -> {1}): memory writes were lost", a.PassAfter, b.Pass));

            bool writes = a.Mode == LabGuestMode.TouchAll || a.RateMBps > 0;
            if (writes && b.PagesWritten <= a.PagesWritten)
                problems.Add(string.Format(CultureInfo.InvariantCulture,
                    "the guest stopped rewriting its working set ({0} page writes before and after)", a.PagesWritten));
            return problems.Count == before;
        }
    }
}
