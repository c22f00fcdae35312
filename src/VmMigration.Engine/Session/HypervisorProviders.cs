using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using VmMigration.Errors;
using VmMigration.Providers;
using VmMigration.Providers.HyperV;
using VmMigration.Providers.Libvirt;

namespace VmMigration.Session
{
    /// <summary>
    /// Which provider opens a host URI, chosen by the URI's scheme: "qemu" and every "qemu+transport" (qemu+ssh, qemu+tcp,
    /// qemu+tls, qemu+unix) go to libvirt. A provider is added by adding its folder under Providers/ and one line to
    /// <see cref="Standard"/>. Thread-safe.
    /// </summary>
    public sealed class HypervisorProviders
    {
        private static readonly Regex SchemeSyntax = new Regex("^[A-Za-z][A-Za-z0-9+.-]*$", RegexOptions.CultureInvariant);
        private readonly object gate = new object();
        private readonly Dictionary<string, Registration> bySchemeFamily = new Dictionary<string, Registration>(StringComparer.OrdinalIgnoreCase);

        /// <summary>
        /// Why qemu URIs are refused on Windows: the libvirt binding maps C long to 64 bits (LP64, as on Linux); Windows is LLP64
        /// (a 32-bit long), so its calls would pass corrupt arguments. Refused before any libvirt call.
        /// </summary>
        public const string LibvirtNotOnWindows = "the libvirt provider runs on Linux only (its binding assumes a 64-bit C long, which Windows does not have). Manage libvirt hosts from a Linux machine, or Hyper-V hosts with hyperv://host";

        /// <summary>The providers of the product, for the OS this runs on.</summary>
        public static HypervisorProviders Standard() => Standard(HyperVProvider.CanRunHere);

        /// <summary>The providers of the product on Windows (<paramref name="windows"/>) or elsewhere: each family is registered where it can run and reserved with the reason where it cannot.</summary>
        internal static HypervisorProviders Standard(bool windows)
        {
            var providers = new HypervisorProviders();
            const string libvirt = "libvirt: qemu:///system, qemu+ssh://host/system, qemu+tcp://, qemu+tls://, qemu+unix://";
            if (windows)
            {
                providers.Reserve("qemu", libvirt, LibvirtNotOnWindows);
                providers.Register("hyperv", HyperVProvider.Description, () => new HyperVProvider());
            }
            else
            {
                providers.Register("qemu", libvirt, () => new LibvirtProvider());
                providers.Reserve("hyperv", HyperVProvider.Description, HyperVProvider.WhyNotHere);
            }
            return providers;
        }

        /// <summary>
        /// Makes <paramref name="create"/> the provider of every URI whose scheme is <paramref name="schemeFamily"/> or
        /// starts with it and '+' (a transport); replaces an earlier registration of that family. Tests register their fake here.
        /// </summary>
        internal HypervisorProviders Register(string schemeFamily, string description, Func<IHypervisorProvider> create)
        {
            var provider = new Lazy<IHypervisorProvider>(create);
            lock (gate)
            {
                bySchemeFamily[schemeFamily] = new Registration(description, provider, null);
            }
            return this;
        }

        /// <summary>Takes a family of URIs that a provider will handle but cannot yet: they are refused with HypervisorProviderUnavailable.</summary>
        internal HypervisorProviders Reserve(string schemeFamily, string description, string whyUnavailable)
        {
            lock (gate)
            {
                bySchemeFamily[schemeFamily] = new Registration(description, null, whyUnavailable);
            }
            return this;
        }

        internal bool Unregister(string schemeFamily)
        {
            lock (gate)
            {
                return bySchemeFamily.Remove(schemeFamily);
            }
        }

        /// <summary>The provider that opens <paramref name="uri"/>; a bad invocation (MigrationException) when none can.</summary>
        public IHypervisorProvider For(HostUri uri)
        {
            var scheme = SchemeOf(uri.ForConnecting);
            var family = scheme?.Split('+')[0];
            Registration? registration = null;
            lock (gate)
            {
                if (family != null)
                {
                    bySchemeFamily.TryGetValue(family, out registration);
                }
            }
            if (registration == null)
            {
                var why = scheme == null ? "has no URI scheme" : $"has the scheme '{scheme}', which no provider handles";
                throw new MigrationException(ErrorIds.UnknownUriScheme, ErrorKind.InvalidArgument,
                    $"The host URI '{uri}' {why}. Known schemes: {DescribeKnown()}.", uri.Display);
            }
            if (registration.Provider == null)
            {
                throw new MigrationException(ErrorIds.HypervisorProviderUnavailable, ErrorKind.NotImplemented,
                    $"Cannot connect '{uri}': {registration.WhyUnavailable}.", uri.Display);
            }
            return registration.Provider.Value;
        }

        private static string? SchemeOf(string uri)
        {
            var colon = uri.IndexOf(':');
            if (colon <= 0)
            {
                return null;
            }
            var scheme = uri.Substring(0, colon);
            return SchemeSyntax.IsMatch(scheme) ? scheme : null;
        }

        private string DescribeKnown()
        {
            lock (gate)
            {
                return string.Join("; ", bySchemeFamily.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} ({r.Value.Description})"));
            }
        }

        private sealed class Registration
        {
            public Registration(string description, Lazy<IHypervisorProvider>? provider, string? whyUnavailable)
            {
                Description = description;
                Provider = provider;
                WhyUnavailable = whyUnavailable;
            }

            public string Description { get; }
            public Lazy<IHypervisorProvider>? Provider { get; }
            public string? WhyUnavailable { get; }
        }
    }
}
