using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VmMigration.Lab
{
    /// <summary>What a package on the list is for.</summary>
    internal enum LabPackageUse
    {
        /// <summary>Start-MigrationLab and New-MigrationLabVM run it.</summary>
        Lab,

        /// <summary>The build compiles the lab guest with it.</summary>
        Guest,

        /// <summary>The tests and benchmarks use it as an independent witness.</summary>
        Tests,
    }

    /// <summary>One Debian package the lab needs and the programs it brings.</summary>
    internal sealed class LabPackage
    {
        [JsonRequired]
        public string Name { get; set; } = "";

        [JsonRequired]
        public List<string> Programs { get; set; } = new List<string>();

        [JsonRequired]
        public LabPackageUse NeededBy { get; set; }
    }

    /// <summary>
    /// The lab's Debian packages, from Lab/LabPackages.json embedded in this assembly: the same file build.ps1's Bootstrap
    /// installs from (through .config/build-tools/Prerequisites.psm1), so what the build installs and what the lab asks
    /// for cannot drift apart.
    /// </summary>
    internal static class LabPackages
    {
        internal const string ResourceName = "VmMigration.Lab.LabPackages.json";

        private static readonly Lazy<IReadOnlyList<LabPackage>> Loaded = new Lazy<IReadOnlyList<LabPackage>>(Load);

        /// <summary>Every package, in install order.</summary>
        public static IReadOnlyList<LabPackage> All => Loaded.Value;

        /// <summary>The packages the lab needs at run time, in install order.</summary>
        public static IEnumerable<string> ForLab => All.Where(p => p.NeededBy == LabPackageUse.Lab).Select(p => p.Name);

        /// <summary>The package that brings <paramref name="program"/>.</summary>
        public static string Bringing(string program) =>
            All.FirstOrDefault(p => p.Programs.Contains(program))?.Name
            ?? throw new InvalidOperationException($"'{program}' is not in {ResourceName}: add it with the package that brings it.");

        /// <summary>Reads the list strictly: a misspelled key or use is an error, never a silently shorter list.</summary>
        internal static IReadOnlyList<LabPackage> Parse(string json)
        {
            var options = new JsonSerializerOptions
            {
                UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
                ReadCommentHandling = JsonCommentHandling.Skip,
            };
            options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
            return JsonSerializer.Deserialize<PackageList>(json, options)!.Packages;
        }

        private static IReadOnlyList<LabPackage> Load()
        {
            using (Stream? stream = typeof(LabPackages).Assembly.GetManifestResourceStream(ResourceName))
            {
                if (stream == null) throw new InvalidOperationException($"{ResourceName} is not embedded in {typeof(LabPackages).Assembly.GetName().Name}.");
                using (var reader = new StreamReader(stream))
                {
                    return Parse(reader.ReadToEnd());
                }
            }
        }

        private sealed class PackageList
        {
            [JsonRequired]
            public List<LabPackage> Packages { get; set; } = new List<LabPackage>();
        }
    }
}
