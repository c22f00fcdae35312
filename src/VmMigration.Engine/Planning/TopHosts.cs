using System;

namespace VmMigration.Planning
{
    /// <summary>
    /// The k hosts with the highest key, found in one pass with a small insertion-sorted buffer; cheaper than sorting
    /// a thousand hosts for every move. Ties go to the lower host index so the choice is deterministic.
    /// </summary>
    internal static class TopHosts
    {
        /// <summary>Fills <paramref name="result"/> with the eligible hosts of highest key, highest first (their keys in <paramref name="keys"/>); returns how many, at most k.</summary>
        public static int Find(int hostCount, int k, Func<int, bool> eligible, Func<int, double> key, int[] result, double[] keys)
        {
            int found = 0;
            for (int h = 0; h < hostCount; h++)
            {
                if (!eligible(h)) continue;
                double value = key(h);
                if (found == k && value <= keys[found - 1]) continue;
                int at = found < k ? found++ : k - 1;
                while (at > 0 && keys[at - 1] < value)
                {
                    keys[at] = keys[at - 1];
                    result[at] = result[at - 1];
                    at--;
                }
                keys[at] = value;
                result[at] = h;
            }
            return found;
        }
    }
}
