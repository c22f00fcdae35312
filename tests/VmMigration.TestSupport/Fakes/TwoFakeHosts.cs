using VmMigration.Session;

namespace VmMigration.Tests.Fakes
{
    /// <summary>Fake hosts a and b of one cluster, each with the connection the engine is given for it: where tests of copies between hosts start.</summary>
    public sealed class TwoFakeHosts
    {
        public TwoFakeHosts()
        {
            A = Cluster.AddHost("fake://a", "a");
            B = Cluster.AddHost("fake://b", "b");
            HostA = new ConnectedHost("a", new HostUri("fake://a"), "Fake", A, null);
            HostB = new ConnectedHost("b", new HostUri("fake://b"), "Fake", B, null);
        }

        public FakeCluster Cluster { get; } = new FakeCluster();
        public FakeHost A { get; }
        public FakeHost B { get; }
        public ConnectedHost HostA { get; }
        public ConnectedHost HostB { get; }
    }
}
