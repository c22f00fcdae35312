using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VmMigration.Planning
{
    /// <summary>
    /// Enums of the planner's files as their exact names. Unlike JsonStringEnumConverter, a number ("State": 1) or another
    /// case ("maintenance") is refused: a file that does not say exactly what it means is an error, never a guess.
    /// </summary>
    internal sealed class StrictEnumConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

        private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                // The message is made by StrictJsonDiagnosis, which names the field and the allowed names.
                if (reader.TokenType != JsonTokenType.String) throw new JsonException();
                var text = reader.GetString();
                foreach (var name in Enum.GetNames(typeof(T)))
                {
                    if (string.Equals(name, text, StringComparison.Ordinal)) return (T)Enum.Parse(typeof(T), name);
                }
                throw new JsonException();
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
            {
                if (!Enum.IsDefined(typeof(T), value)) throw new ArgumentOutOfRangeException(nameof(value), $"{value} is not a named {typeof(T).Name}.");
                writer.WriteStringValue(value.ToString());
            }
        }
    }
}
