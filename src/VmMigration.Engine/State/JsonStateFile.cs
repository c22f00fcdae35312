using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using VmMigration.Errors;

namespace VmMigration.State
{
    /// <summary>
    /// A state file the engine keeps for itself (a journal): JSON with enums by name, replaced crash-safe on every write
    /// (<see cref="AtomicFile"/>), and read with an InvalidStateFile error that names the file and the line.
    /// </summary>
    internal static class JsonStateFile
    {
        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
        };

        /// <param name="what">the file as messages name it ("evacuation journal")</param>
        /// <param name="whenMissing">what a missing file means and what to do</param>
        public static T Read<T>(string path, string what, string whenMissing) where T : class
        {
            if (!File.Exists(path))
            {
                throw new MigrationException(ErrorIds.InvalidStateFile, ErrorKind.ObjectNotFound, $"No {what} at '{path}': {whenMissing}", path);
            }
            try
            {
                return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new JsonException("empty document");
            }
            catch (JsonException error)
            {
                throw new MigrationException(ErrorIds.InvalidStateFile, ErrorKind.InvalidData,
                    $"The {what} '{path}' cannot be read (line {(error.LineNumber ?? 0) + 1}): {error.Message}", path, error);
            }
        }

        public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, Json));
    }
}
