using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.Libvirt;
using Xunit;

namespace VmMigration.Tests.Providers.Libvirt
{
    public class MigrationArgumentsTests
    {
        private const uint Live = 1, PeerToPeer = 2, PersistDest = 8, UndefineSource = 16, NonSharedDisk = 64,
            Compressed = 1 << 11, AutoConverge = 1 << 13, PostCopy = 1 << 15, Tls = 1 << 16, Parallel = 1 << 17;

        private static Dictionary<string, object> ParametersOf(MigrationArguments arguments) => arguments.Parameters.ToDictionary(p => p.Key, p => p.Value);

        [Fact]
        public void Defaults_are_a_live_peer_to_peer_move_of_the_definition_with_no_parameters()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters());

            Assert.Equal(Live | PeerToPeer | PersistDest | UndefineSource, arguments.Flags);
            Assert.Empty(arguments.Parameters);
        }

        [Fact]
        public void An_encrypted_move_asks_libvirt_for_tls_and_a_plain_one_does_not()
        {
            Assert.Equal(Live | PeerToPeer | PersistDest | UndefineSource | Tls, MigrationArguments.From(new LiveMigrationParameters { Encrypted = true }).Flags);
            Assert.Equal(0u, MigrationArguments.From(new LiveMigrationParameters { Encrypted = false, CopyStorage = true }).Flags & Tls);
        }

        [Fact]
        public void Every_option_maps_to_its_flag_and_typed_parameter()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters
            {
                MigrationUri = " tcp://127.0.0.1:49152 ",
                BandwidthMBps = 20,
                AutoConverge = true,
                AutoConvergeInitialPercent = 90,
                AutoConvergeIncrementPercent = 5,
                AllowPostCopy = true,
                CopyStorage = true,
                ParallelConnections = 4,
            });

            Assert.Equal(Live | PeerToPeer | PersistDest | UndefineSource | AutoConverge | PostCopy | NonSharedDisk | Parallel, arguments.Flags);
            var parameters = ParametersOf(arguments);
            Assert.Equal("tcp://127.0.0.1:49152", parameters["migrate_uri"]);
            Assert.Equal(20UL, parameters["bandwidth"]);
            Assert.Equal(90, parameters["auto_converge.initial"]);
            Assert.Equal(5, parameters["auto_converge.increment"]);
            Assert.Equal(4, parameters["parallel.connections"]);
            Assert.Equal(5, parameters.Count);
        }

        [Fact]
        public void Disk_placements_copy_only_the_placed_disks_into_the_files_the_destination_definitions_name()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters
            {
                DiskPlacements = new[] { new DiskPlacement("vda", "/pools/fast/a.qcow2", "qcow2"), new DiskPlacement("vdb", "/pools/fast/b.raw", "raw") },
            }, ("<domain>live</domain>", "<domain>persistent</domain>"));

            Assert.Equal(Live | PeerToPeer | PersistDest | UndefineSource | NonSharedDisk, arguments.Flags);
            Assert.Equal(new object[] { "vda", "vdb" }, arguments.Parameters.Where(p => p.Key == "migrate_disks").Select(p => p.Value));
            var parameters = arguments.Parameters.Where(p => p.Key != "migrate_disks").ToDictionary(p => p.Key, p => p.Value);
            Assert.Equal("<domain>live</domain>", parameters["destination_xml"]);
            Assert.Equal("<domain>persistent</domain>", parameters["persistent_xml"]);
        }

        [Fact]
        public void One_connection_is_the_classic_stream_so_post_copy_stays_possible()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters { ParallelConnections = 1, AllowPostCopy = true });

            Assert.Equal(0u, arguments.Flags & Parallel);
            Assert.Equal(PostCopy, arguments.Flags & PostCopy);
            Assert.Empty(arguments.Parameters);
        }

        [Fact]
        public void Auto_converge_percentages_are_ignored_when_auto_converge_is_off()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters { AutoConvergeInitialPercent = 90 });

            Assert.Equal(0u, arguments.Flags & AutoConverge);
            Assert.Empty(arguments.Parameters);
        }

        [Theory]
        [InlineData("Zstd", "zstd")]
        [InlineData("zlib", "zlib")]
        public void Zstd_and_zlib_compression_run_on_parallel_streams(string requested, string sent)
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters { Compression = requested });

            Assert.Equal(Compressed | Parallel, arguments.Flags & (Compressed | Parallel));
            Assert.Equal(sent, ParametersOf(arguments)["compression"]);
        }

        [Theory]
        [InlineData("None")]
        [InlineData("")]
        public void No_compression_sets_nothing(string requested)
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters { Compression = requested });

            Assert.Equal(0u, arguments.Flags & (Compressed | Parallel));
            Assert.Empty(arguments.Parameters);
        }

        [Fact]
        public void An_unknown_compression_is_an_invalid_argument_that_lists_the_choices()
        {
            var error = Assert.Throws<MigrationException>(() => MigrationArguments.From(new LiveMigrationParameters { Compression = "lz4" }));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
            Assert.Contains("None, Zstd, Zlib or Xbzrle", error.Message);
        }

        [Fact]
        public void Xbzrle_is_delta_compression_on_the_single_stream_with_its_cache_in_bytes()
        {
            var arguments = MigrationArguments.From(new LiveMigrationParameters { Compression = "Xbzrle", DeltaCacheMB = 256 });

            Assert.Equal(Compressed, arguments.Flags & (Compressed | Parallel));
            var parameters = ParametersOf(arguments);
            Assert.Equal("xbzrle", parameters["compression"]);
            Assert.Equal(256UL << 20, parameters["compression.xbzrle.cache"]);
        }

        [Theory]
        [InlineData(0, 1)]
        [InlineData(96, 1)]
        [InlineData(256, 4)]
        public void Xbzrle_needs_a_power_of_two_cache_and_one_stream(long cacheMB, int connections)
        {
            var error = Assert.Throws<MigrationException>(() => MigrationArguments.From(new LiveMigrationParameters { Compression = "Xbzrle", DeltaCacheMB = cacheMB, ParallelConnections = connections }));

            Assert.Equal(ErrorIds.InvalidArgument, error.ErrorId);
        }

        [Fact]
        public void Negative_bandwidth_and_percentages_over_100_are_refused()
        {
            Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<MigrationException>(() =>
                MigrationArguments.From(new LiveMigrationParameters { BandwidthMBps = -1 })).ErrorId);
            Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<MigrationException>(() =>
                MigrationArguments.From(new LiveMigrationParameters { AutoConverge = true, AutoConvergeIncrementPercent = 150 })).ErrorId);
        }
    }
}
