using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using VmMigration.Errors;
using VmMigration.Planning;
using VmMigration.Tests;
using Xunit;

namespace VmMigration.Commands.Tests.Errors
{
    /// <summary>
    /// Every stable error id the module declares is asserted by some test: an xunit test (either project) or a Pester
    /// test under tests/pester. The ids are found by reflection, the tests are read as text from the repository.
    /// </summary>
    public class EveryErrorIdIsTestedTests
    {
        /// <summary>
        /// An error id is a const string of a *ErrorIds class, or, declared beside the code that raises it, a const string
        /// whose value is its own name (ErrorIds.StoppedOnError = "StoppedOnError"), the convention every id keeps.
        /// PlanReasonCodes keep it too but are the reasons of planned steps, not errors.
        /// </summary>
        private static IEnumerable<(string Declarer, string Id)> DeclaredErrorIds() =>
            new[] { typeof(ErrorIds).Assembly, typeof(VmMigrationCmdlet).Assembly }
                .SelectMany(assembly => assembly.GetTypes())
                .Where(type => type != typeof(PlanReasonCodes))
                .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                    .Where(field => field.IsLiteral && field.FieldType == typeof(string))
                    .Select(field => (Type: type, Name: field.Name, Value: (string)field.GetRawConstantValue()!)))
                .Where(c => c.Type.Name.EndsWith("ErrorIds", StringComparison.Ordinal) || c.Value == c.Name)
                .Select(c => (c.Type.Name, c.Value))
                .Distinct();

        /// <summary>
        /// The text of every test: C# under tests/ (not the shared fakes, which raise ids rather than assert them, not
        /// build output, not this file, which names ids as examples) and the Pester tests.
        /// </summary>
        private static string AllTestSources()
        {
            var tests = Path.Combine(RepositoryFolder.Root().FullName, "tests");
            var support = Path.Combine(tests, "VmMigration.TestSupport") + Path.DirectorySeparatorChar;
            var sources = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
                .Where(path => !path.StartsWith(support, StringComparison.Ordinal))
                .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part == "bin" || part == "obj"))
                .Where(path => Path.GetFileName(path) != nameof(EveryErrorIdIsTestedTests) + ".cs")
                .Concat(Directory.EnumerateFiles(Path.Combine(tests, "pester"), "*.Tests.ps1"))
                .ToList();
            Assert.Contains(sources, path => path.EndsWith(".Tests.ps1", StringComparison.Ordinal));
            return string.Join("\n", sources.Select(File.ReadAllText));
        }

        /// <summary>
        /// A test asserts an id when it names it as a full id ('VmNotFound,VmMigration.Commands.MoveVMLiveCommand'), as
        /// its constant (ErrorIds.VmNotFound) or as a quoted string (-ErrorId 'VmNotFound' in Pester).
        /// </summary>
        private static bool IsAsserted(string text, string declarer, string id) =>
            Regex.IsMatch(text, $@"\b{id},VmMigration\.Commands\.|\b{declarer}\.{id}\b|['""]{id}['""]");

        [Fact]
        public void Every_error_id_is_declared_in_the_one_catalogue()
        {
            // An id declared anywhere else (another *ErrorIds class, or beside the code that raises it) is one a script
            // author, or the next developer, does not find where the others are.
            var elsewhere = DeclaredErrorIds().Where(i => i.Declarer != nameof(ErrorIds)).Select(i => $"{i.Declarer}.{i.Id}").ToList();
            Assert.True(elsewhere.Count == 0, "Error ids declared outside VmMigration.Errors.ErrorIds: " + string.Join(", ", elsewhere));
        }

        [Fact]
        public void Every_declared_error_id_is_asserted_by_a_test()
        {
            var text = AllTestSources();
            var ids = DeclaredErrorIds().ToList();
            // Found in every part of the catalogue: the planner's, the evacuation's, the cmdlet layer's.
            Assert.Contains(ids, i => i.Id == ErrorIds.RuleConflict);
            Assert.Contains(ids, i => i.Id == ErrorIds.StoppedOnError);
            Assert.Contains(ids, i => i.Id == ErrorIds.JobFailed);
            Assert.DoesNotContain(ids, i => i.Id == PlanReasonCodes.Balance);

            var untested = ids.Where(i => !IsAsserted(text, i.Declarer, i.Id)).Select(i => $"{i.Declarer}.{i.Id}").ToList();
            Assert.True(untested.Count == 0, "Error ids no test asserts: " + string.Join(", ", untested));
        }
    }
}
