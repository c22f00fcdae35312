using System;
using System.Collections.Generic;
using VmMigration.Providers.Libvirt.Native;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    /// <summary>Builds arrays with libvirt's own virTypedParamsAdd* (libvirt.so.0, no daemon) and reads them back.</summary>
    public class NativeTypedParameterListTests
    {
        [LibvirtFact]
        public void Values_written_through_libvirt_read_back_with_their_types()
        {
            using var list = NativeTypedParameterList.From(new[]
            {
                new KeyValuePair<string, object>("migrate_uri", "tcp://127.0.0.1"),
                new KeyValuePair<string, object>("bandwidth", 20UL),
                new KeyValuePair<string, object>("auto_converge.initial", 90),
                new KeyValuePair<string, object>("disks_port", 49152L),
            });

            Assert.Equal(4, list.Count);
            var set = TypedParameterReader.Read(list.Pointer, list.Count);
            Assert.Equal("tcp://127.0.0.1", set.GetString("migrate_uri"));
            Assert.True(set.TryGetValue("bandwidth", out var bandwidth)); Assert.Equal(20UL, bandwidth);
            Assert.True(set.TryGetValue("auto_converge.initial", out var initial)); Assert.Equal(90, initial);
            Assert.True(set.TryGetValue("disks_port", out var port)); Assert.Equal(49152UL, port);
        }

        [Fact]
        public void A_value_of_a_type_libvirt_cannot_carry_is_refused_before_any_call()
        {
            Assert.Throws<ArgumentException>(() => NativeTypedParameterList.From(new[] { new KeyValuePair<string, object>("x", DateTime.Now) }));
        }

        [LibvirtFact]
        public void Dispose_twice_is_harmless()
        {
            var list = NativeTypedParameterList.From(new[] { new KeyValuePair<string, object>("bandwidth", 1UL) });
            list.Dispose();
            list.Dispose();
            Assert.Equal(IntPtr.Zero, list.Pointer);
        }
    }
}
