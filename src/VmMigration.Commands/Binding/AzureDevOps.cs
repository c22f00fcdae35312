using System;

namespace VmMigration.Commands
{
    /// <summary>Logging commands for Azure DevOps agents (TF_BUILD is set there), so a pipeline shows progress and failed VMs.</summary>
    internal static class AzureDevOps
    {
        public static bool IsPresent => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"));

        public static string SetProgress(int percent, string activity) => $"##vso[task.setprogress value={Math.Max(0, Math.Min(100, percent))};]{Escape(activity)}";

        public static string LogError(string message) => $"##vso[task.logissue type=error]{Escape(message)}";

        // Logging-command values must stay on one line; the agent's own escapes keep them readable.
        private static string Escape(string text) => text.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A").Replace("]", "%5D").Replace(";", "%3B");
    }
}
