using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VmMigration.Lab
{
    /// <summary>&lt;Path&gt;/lab.json: what Start made, so Get and Stop work from another session.</summary>
    internal static class LabStateFile
    {
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keeps '+' in qemu+unix URIs readable; the file is never embedded in HTML
        };

        public static string PathOf(string labPath) => System.IO.Path.Combine(labPath, LabDefaults.StateFileName);

        public static LabInfo? Load(string labPath)
        {
            string file = PathOf(labPath);
            if (!File.Exists(file)) return null;
            try
            {
                return JsonSerializer.Deserialize<LabInfo>(File.ReadAllText(file), Options);
            }
            catch (JsonException)
            {
                return null; // a torn write from a killed session: treated like a lab without state, which Start cleans
            }
        }

        public static void Save(LabInfo lab)
        {
            // A session killed mid-write leaves the previous state rather than half a file.
            State.AtomicFile.WriteAllText(PathOf(lab.Path), JsonSerializer.Serialize(lab, Options));
        }
    }
}
