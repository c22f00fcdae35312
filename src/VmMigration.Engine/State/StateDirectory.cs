using System;
using System.IO;

namespace VmMigration.State
{
    /// <summary>
    /// Where the module keeps state that every later session and process must see (maintenance marks, journals):
    /// $VMMIGRATION_STATE_DIR when set, else /var/lib/vmmigration for root on Linux, else the user's local app data.
    /// </summary>
    public static class StateDirectory
    {
        public const string EnvironmentVariable = "VMMIGRATION_STATE_DIR";

        public static string Path
        {
            get
            {
                var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
                if (!string.IsNullOrEmpty(configured))
                {
                    return configured!;
                }
                if (Directory.Exists("/var/lib") && Environment.UserName == "root")
                {
                    return "/var/lib/vmmigration";
                }
                return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "VmMigration");
            }
        }
    }
}
