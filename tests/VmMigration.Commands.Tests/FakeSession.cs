using System;
using System.Linq;
using VmMigration.Session;
using VmMigration.State;
using VmMigration.Tests.Fakes;
using Xunit;

namespace VmMigration.Commands.Tests
{
    /// <summary>
    /// A PowerShell session with the module whose hosts are an in-memory <see cref="FakeCluster"/>, reached as fake://name
    /// through the provider seam the way qemu+ssh:// URIs reach libvirt. The cmdlets share the process's one
    /// <see cref="HostRegistry.Default"/>, so tests using a session run one at a time (<see cref="FakeSessionCollection"/>)
    /// and each leaves the registry as it found it.
    /// </summary>
    internal sealed class FakeSession : IDisposable
    {
        public FakeSession()
        {
            Cluster.RegisterIn(HostRegistry.Default.Providers);
            Shell = HostedPowerShell.WithModule();
        }

        public FakeCluster Cluster { get; } = new FakeCluster();

        public HostedPowerShell Shell { get; }

        public static string UriOf(string hostName) => $"{FakeCluster.Scheme}://{hostName}";

        /// <summary>A host of the fake cluster, not yet connected.</summary>
        public FakeHost AddHost(string name, long freeMemoryMB = 8192) => Cluster.AddHost(UriOf(name), name, freeMemoryMB);

        /// <summary>Adds hosts and connects them with Connect-MigrationHost, as a user's script would.</summary>
        public FakeHost[] Connect(params string[] names)
        {
            var hosts = names.Select(name => AddHost(name)).ToArray();
            var run = Shell.Run("Connect-MigrationHost -Uri " + string.Join(", ", names.Select(n => $"'{UriOf(n)}'")));
            Assert.Empty(run.Errors);
            return hosts;
        }

        /// <summary>Two connected hosts, host1 running the given VMs and host2 empty: the start of most move tests.</summary>
        public void ConnectTwoHostsWithVMsOnHost1(params string[] vmNames)
        {
            var source = Connect("host1", "host2")[0];
            foreach (var vm in vmNames)
            {
                source.AddGuest(vm);
            }
        }

        /// <summary>The hosts whose fake holds a VM of that name, as the hypervisors themselves see it.</summary>
        public string[] HostsOf(string vmName) =>
            HostRegistry.Default.Hosts.Where(h => Cluster[h.Uri.ForConnecting].FindGuest(vmName) != null).Select(h => h.Name).ToArray();

        public ScriptRun Run(string script) => Shell.Run(script);

        public void Dispose()
        {
            foreach (var host in HostRegistry.Default.Hosts)
            {
                // The maintenance file is the process's one too: a mark left by this test would bar its host name in the next.
                MaintenanceStore.Default.Leave(Cluster[host.Uri].HostUuid, host.Name);
                HostRegistry.Default.Disconnect(host.Name);
            }
            HostRegistry.Default.Providers.Unregister(FakeCluster.Scheme);
            Shell.Dispose();
        }
    }

    /// <summary>The tests that use the process's one host registry: one at a time, never beside another test.</summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class FakeSessionCollection
    {
        public const string Name = "Fake session";
    }
}
