using System;
using VmMigration.Providers.Libvirt.Native;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class TypedParameterReaderTests
    {
        [Fact]
        public void Reads_every_value_type_libvirt_defines()
        {
            using var array = new TypedParameterArrayBuilder()
                .Int("int", -7).UInt("uint", 4000000000).LLong("llong", -5_000_000_000).ULLong("ullong", 18_000_000_000_000_000_000)
                .Double("double", 2.5).Boolean("yes", true).Boolean("no", false).String("text", "zstd ünïcode")
                .Build();

            var set = TypedParameterReader.Read(array.Pointer, array.Count);

            Assert.Equal(8, set.Count);
            Assert.True(set.TryGetValue("int", out var i)); Assert.Equal(-7, i);
            Assert.True(set.TryGetValue("uint", out var ui)); Assert.Equal(4000000000u, ui);
            Assert.True(set.TryGetValue("llong", out var l)); Assert.Equal(-5_000_000_000L, l);
            Assert.True(set.TryGetValue("ullong", out var ul)); Assert.Equal(18_000_000_000_000_000_000UL, ul);
            Assert.Equal(2.5, set.GetDouble("double"));
            Assert.True(set.TryGetValue("yes", out var yes)); Assert.Equal(true, yes);
            Assert.True(set.TryGetValue("no", out var no)); Assert.Equal(false, no);
            Assert.Equal("zstd ünïcode", set.GetString("text"));
        }

        [Fact]
        public void Numbers_convert_to_long_and_unsigned_values_too_large_saturate()
        {
            using var array = new TypedParameterArrayBuilder()
                .UInt("uint", uint.MaxValue).ULLong("huge", ulong.MaxValue).Double("d", 99.9).Boolean("b", true).String("s", "12")
                .Build();

            var set = TypedParameterReader.Read(array.Pointer, array.Count);

            Assert.Equal(uint.MaxValue, set.GetInt64OrDefault("uint"));
            Assert.Equal(long.MaxValue, set.GetInt64OrDefault("huge"));
            Assert.Equal(99, set.GetInt64OrDefault("d"));
            Assert.Equal(1, set.GetInt64OrDefault("b"));
            Assert.False(set.TryGetInt64("s", out _));
            Assert.Equal(-1, set.GetInt64OrDefault("absent", -1));
        }

        [Fact]
        public void A_type_newer_than_this_reader_is_skipped_and_the_rest_still_read()
        {
            using var array = new TypedParameterArrayBuilder().Raw("future", 42, 123).LLong("after", 5).Build();

            var set = TypedParameterReader.Read(array.Pointer, array.Count);

            Assert.False(set.TryGetValue("future", out _));
            Assert.Equal(5, set.GetInt64OrDefault("after"));
        }

        [Fact]
        public void The_first_of_duplicate_names_wins_as_in_libvirts_own_getters()
        {
            using var array = new TypedParameterArrayBuilder().LLong("downtime", 10).LLong("downtime", 99).Build();

            Assert.Equal(10, TypedParameterReader.Read(array.Pointer, array.Count).GetInt64OrDefault("downtime"));
        }

        [Fact]
        public void A_null_array_reads_as_empty()
        {
            Assert.Equal(0, TypedParameterReader.Read(IntPtr.Zero, 5).Count);
        }

        [Fact]
        public void A_field_name_of_the_full_80_bytes_without_terminator_is_read_whole()
        {
            var longName = new string('x', TypedParameterLayout.FieldLength);
            using var array = new TypedParameterArrayBuilder().Int("placeholder", 1).Build();
            var bytes = System.Text.Encoding.ASCII.GetBytes(longName);
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, array.Pointer, bytes.Length);

            var set = TypedParameterReader.Read(array.Pointer, 1);

            Assert.Equal(1, set.GetInt64OrDefault(longName));
        }
    }
}
