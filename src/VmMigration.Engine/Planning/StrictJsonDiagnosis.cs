using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace VmMigration.Planning
{
    /// <summary>
    /// Says, in the file's own terms, why strict reading refused a planner file: the JSON path of the field and what was
    /// expected there (the known field names, the required ones that are missing, the kind of value or the allowed names).
    /// System.Text.Json's own messages name .NET types and change between versions, so the explanation is worked out from
    /// the exception's path, the document and the serializer's contract for the file's type, not from the message text.
    /// </summary>
    internal static class StrictJsonDiagnosis
    {
        internal readonly struct Finding
        {
            public Finding(string field, string problem)
            {
                Field = field;
                Problem = problem;
            }

            /// <summary>The JSON path of the field, e.g. $.Hosts[0].State.</summary>
            public string Field { get; }
            public string Problem { get; }
        }

        public static Finding Explain(JsonException error, string json, Type rootType, JsonSerializerOptions options)
        {
            string path = string.IsNullOrEmpty(error.Path) ? "$" : error.Path!;
            var generic = new Finding(path, FirstSentence(error.Message));
            var segments = PathSegments.Parse(path);
            if (segments == null) return generic;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException)
            {
                return generic;   // not JSON at all: the reader's own message names the line and what broke
            }
            using (document)
            {
                var root = new Node(document.RootElement, options.GetTypeInfo(rootType));
                if (segments.Count > 0 && segments[segments.Count - 1].Name is string last)
                {
                    var parent = Walk(root, segments, segments.Count - 1, options);
                    if (parent?.Contract is JsonTypeInfo parentContract && parentContract.Kind == JsonTypeInfoKind.Object
                        && !parentContract.Properties.Any(p => p.Name == last))
                    {
                        return new Finding(path, UnknownField(last, parentContract));
                    }
                }
                var node = Walk(root, segments, segments.Count, options);
                if (node?.Contract is JsonTypeInfo contract)
                {
                    if (contract.Kind == JsonTypeInfoKind.Object && node.Value.Element.ValueKind == JsonValueKind.Object)
                    {
                        var missing = contract.Properties.Where(p => p.IsRequired && !node.Value.Element.TryGetProperty(p.Name, out _)).Select(p => p.Name).ToList();
                        if (missing.Count > 0)
                        {
                            return new Finding(Child(path, missing[0]), missing.Count == 1
                                ? $"the required field '{missing[0]}' is missing."
                                : $"the required fields {Quoted(missing)} are missing.");
                        }
                    }
                    return new Finding(path, $"expected {Expected(contract)}, found {Found(node.Value.Element)}.");
                }
            }
            return generic;
        }

        private readonly struct Node
        {
            public Node(JsonElement element, JsonTypeInfo? contract)
            {
                Element = element;
                Contract = contract;
            }

            public JsonElement Element { get; }
            /// <summary>What the file's type expects here; null under a field the type does not know.</summary>
            public JsonTypeInfo? Contract { get; }
        }

        private static Node? Walk(Node root, IReadOnlyList<PathSegment> segments, int count, JsonSerializerOptions options)
        {
            var node = root;
            for (int i = 0; i < count; i++)
            {
                var segment = segments[i];
                JsonElement next;
                Type? nextType;
                if (segment.Name is string name)
                {
                    if (node.Element.ValueKind != JsonValueKind.Object || !node.Element.TryGetProperty(name, out next)) return null;
                    nextType = node.Contract?.Kind == JsonTypeInfoKind.Object ? node.Contract.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType : null;
                }
                else
                {
                    if (node.Element.ValueKind != JsonValueKind.Array || segment.Index >= node.Element.GetArrayLength()) return null;
                    next = node.Element[segment.Index];
                    nextType = node.Contract?.Kind == JsonTypeInfoKind.Enumerable ? ElementType(node.Contract.Type) : null;
                }
                node = new Node(next, nextType == null ? null : options.GetTypeInfo(nextType));
            }
            return node;
        }

        /// <summary>The T of a list (JsonTypeInfo.ElementType only exists from System.Text.Json 9 on).</summary>
        private static Type? ElementType(Type enumerable) => enumerable.IsArray
            ? enumerable.GetElementType()
            : enumerable.GetInterfaces().Concat(new[] { enumerable })
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

        private static string UnknownField(string name, JsonTypeInfo contract)
        {
            var known = contract.Properties.Select(p => p.Name).ToList();
            var sameButCase = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            var hint = sameButCase != null ? $" Did you mean '{sameButCase}'? Field names are case-sensitive." : "";
            return $"'{name}' is not a known field; expected one of {Quoted(known)}.{hint}";
        }

        private static string Expected(JsonTypeInfo contract)
        {
            var type = Nullable.GetUnderlyingType(contract.Type) ?? contract.Type;
            string orNull = Nullable.GetUnderlyingType(contract.Type) != null ? " or null" : "";
            if (type.IsEnum) return $"one of {Quoted(Enum.GetNames(type))}{orNull}";
            if (type == typeof(string)) return "a string";
            if (type == typeof(bool)) return "true or false" + orNull;
            if (type == typeof(int) || type == typeof(long)) return "a whole number" + orNull;
            if (type == typeof(double)) return "a number" + orNull;
            if (type == typeof(DateTime)) return "a date and time in ISO 8601 (e.g. \"2026-01-31T12:00:00Z\")" + orNull;
            if (contract.Kind == JsonTypeInfoKind.Enumerable) return "an array";
            if (contract.Kind == JsonTypeInfoKind.Object) return $"an object with the fields {Quoted(contract.Properties.Select(p => p.Name))}";
            return "a " + type.Name;
        }

        private static string Found(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: return $"the string {element.GetRawText()}";
                case JsonValueKind.Number: return $"the number {element.GetRawText()}";
                case JsonValueKind.True:
                case JsonValueKind.False: return element.GetRawText();
                case JsonValueKind.Null: return "null";
                case JsonValueKind.Array: return "an array";
                default: return "an object";
            }
        }

        private static string Child(string path, string name) => path + "." + name;

        private static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

        private static string FirstSentence(string message)
        {
            int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message.Substring(0, cut) : message;
        }

        private readonly struct PathSegment
        {
            public PathSegment(string? name, int index)
            {
                Name = name;
                Index = index;
            }

            /// <summary>A property name, or null for an array index.</summary>
            public string? Name { get; }
            public int Index { get; }
        }

        /// <summary>The paths System.Text.Json reports: $, then .Name, ['odd name'] or [index] segments.</summary>
        private static class PathSegments
        {
            public static List<PathSegment>? Parse(string path)
            {
                if (!path.StartsWith("$", StringComparison.Ordinal)) return null;
                var segments = new List<PathSegment>();
                int i = 1;
                while (i < path.Length)
                {
                    if (path[i] == '.')
                    {
                        int end = i + 1;
                        while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
                        segments.Add(new PathSegment(path.Substring(i + 1, end - i - 1), 0));
                        i = end;
                    }
                    else if (path.Length > i + 1 && path[i] == '[' && path[i + 1] == '\'')
                    {
                        int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                        if (end < 0) return null;
                        segments.Add(new PathSegment(path.Substring(i + 2, end - i - 2), 0));
                        i = end + 2;
                    }
                    else if (path[i] == '[')
                    {
                        int end = path.IndexOf(']', i);
                        if (end < 0 || !int.TryParse(path.Substring(i + 1, end - i - 1), out var index)) return null;
                        segments.Add(new PathSegment(null, index));
                        i = end + 1;
                    }
                    else return null;
                }
                return segments;
            }
        }
    }
}
