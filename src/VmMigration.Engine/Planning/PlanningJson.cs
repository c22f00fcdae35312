using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VmMigration.Errors;

namespace VmMigration.Planning
{
    /// <summary>
    /// The one JSON dialect of the planner's files (inventory snapshots, cluster rules, plans): indented, property names
    /// as PowerShell shows them, enums as names, numbers written the shortest way that reads back exactly, "\n" line ends.
    /// Read strictly, because these are files people edit: an unknown or wrongly cased field, a missing required field
    /// ([JsonRequired] on the model), a value of the wrong type or an enum name that does not exist is an error naming the
    /// file, the line, the field's JSON path and what was expected; nothing is read from half a file.
    /// </summary>
    internal static class PlanningJson
    {
        internal static readonly JsonSerializerOptions Options = CreateOptions();

        private static JsonSerializerOptions CreateOptions()
        {
            var options = new JsonSerializerOptions
            {
                WriteIndented = true,
                PropertyNamingPolicy = null,
                PropertyNameCaseInsensitive = false,
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
                DefaultIgnoreCondition = JsonIgnoreCondition.Never,
                ReadCommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            options.Converters.Add(new StrictEnumConverter());
            options.Converters.Add(new ShortestDoubleConverter());
            options.Converters.Add(new UtcDateTimeConverter());
            return options;
        }

        public static string Serialize<T>(T value)
        {
            // Indentation line ends differ by platform in some System.Text.Json versions; files must be byte-identical everywhere.
            return JsonSerializer.Serialize(value, Options).Replace("\r\n", "\n") + "\n";
        }

        /// <summary>
        /// Reads one planner file from its text, then checks what the JSON cannot say (names unique, numbers in range...)
        /// with <paramref name="validate"/>, which throws MigrationExceptions of its own.
        /// </summary>
        /// <param name="what">What the file is, as messages name it, e.g. "inventory snapshot".</param>
        public static T Parse<T>(string json, string errorId, string what, Action<T> validate) where T : class
        {
            var value = Deserialize<T>(json, errorId, what);
            validate(value);
            return value;
        }

        /// <summary>As <see cref="Parse{T}"/>, from a file; every error names the file.</summary>
        public static T Read<T>(string path, string errorId, string what, Action<T> validate) where T : class
        {
            var value = Deserialize<T>(ReadFile(path, errorId, what), errorId, $"{what} '{path}'");
            try
            {
                validate(value);
            }
            catch (MigrationException e)
            {
                throw e.Retold($"In '{path}': {e.Message}");
            }
            return value;
        }

        private static T Deserialize<T>(string json, string errorId, string what) where T : class
        {
            if (json == null) throw new ArgumentNullException(nameof(json));
            try
            {
                var value = JsonSerializer.Deserialize<T>(json, Options);
                if (value == null) throw new MigrationException(errorId, ErrorKind.InvalidData, $"The {what} is empty (the JSON is 'null').", "$");
                return value;
            }
            catch (JsonException e)
            {
                string line = e.LineNumber is long n ? $"line {n + 1}" : "an unknown line";
                var finding = StrictJsonDiagnosis.Explain(e, json, typeof(T), Options);
                throw new MigrationException(errorId, ErrorKind.InvalidData,
                    $"The {what} is not valid at {line}, field {finding.Field}: {finding.Problem}", finding.Field, e);
            }
        }

        private static string ReadFile(string path, string errorId, string what)
        {
            if (string.IsNullOrEmpty(path)) throw new MigrationException(ErrorIds.InvalidArgument, ErrorKind.InvalidArgument, $"No path was given for the {what}.");
            try { return File.ReadAllText(path, Encoding.UTF8); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new MigrationException(errorId, ErrorKind.ObjectNotFound, $"Cannot read the {what} '{path}': {e.Message}", path, e);
            }
        }

        public static void WriteFile(string path, string json)
        {
            // A mistyped folder would otherwise be created silently and the file written where nobody looks for it.
            var directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
                throw new MigrationException(ErrorIds.DirectoryNotFound, ErrorKind.ObjectNotFound,
                    $"The folder '{directory}' does not exist, so '{Path.GetFileName(path)}' was not written. Create the folder first (New-Item -ItemType Directory) or choose another path.",
                    directory);
            // Crash-safe (a plan or rules file is never left half-written) and without a byte-order mark, so the file
            // hashes the same as the string a test compares with.
            State.AtomicFile.WriteAllText(path, json);
        }

        private sealed class ShortestDoubleConverter : JsonConverter<double>
        {
            public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

            public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
            {
                if (double.IsNaN(value) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), "Planner numbers are always finite.");
                writer.WriteRawValue(value.ToString("R", CultureInfo.InvariantCulture), skipInputValidation: true);
            }
        }

        private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
        {
            public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                var text = reader.GetString();
                if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
                    throw new JsonException($"'{text}' is not a date and time (expected ISO 8601, e.g. 2026-01-31T12:00:00Z).");
                return DateTime.SpecifyKind(value, DateTimeKind.Utc);
            }

            public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
                writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
    }
}
