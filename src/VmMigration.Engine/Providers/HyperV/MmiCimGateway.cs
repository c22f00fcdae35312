using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security;
using Microsoft.Management.Infrastructure;
using Microsoft.Management.Infrastructure.Options;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// <see cref="ICimGateway"/> over one Microsoft.Management.Infrastructure session (WS-Man, never DCOM). The only type that
    /// touches MMI: nothing references it before <see cref="HyperVProvider"/> has checked for Windows, so the JIT never loads
    /// MMI elsewhere. Every operation carries <see cref="operationTimeout"/>, so a host that stops answering costs that long.
    /// Instances read are kept by a path made of their keys, so a later Get or Invoke can name them.
    /// </summary>
    internal sealed class MmiCimGateway : ICimGateway
    {
        private readonly CimSession session;
        private readonly string hostDisplay;
        private readonly TimeSpan operationTimeout;
        private readonly ConcurrentDictionary<string, CimInstance> byPath = new ConcurrentDictionary<string, CimInstance>(StringComparer.Ordinal);

        private MmiCimGateway(CimSession session, string hostDisplay, TimeSpan operationTimeout)
        {
            this.session = session;
            this.hostDisplay = hostDisplay;
            this.operationTimeout = operationTimeout;
        }

        /// <summary>Opens the session and proves it with a WS-Man identify (TestConnection) within <paramref name="timeout"/>.</summary>
        public static MmiCimGateway Open(HyperVEndpoint endpoint, HostCredential? credential, string hostDisplay, TimeSpan timeout)
        {
            using var options = new WSManSessionOptions { DestinationPort = endpoint.Port, UseSsl = endpoint.Https, Timeout = timeout };
            var cimCredential = CredentialFor(endpoint.Authentication, credential);
            if (cimCredential != null)
            {
                options.AddDestinationCredentials(cimCredential);
            }
            CimSession session;
            try
            {
                session = CimSession.Create(endpoint.Host, options);
            }
            catch (CimException refused)
            {
                throw CimCallFailure.From((int)refused.NativeErrorCode, refused.Message, hostDisplay, "a WS-Man session");
            }
            if (!session.TestConnection(out _, out var failure))
            {
                // A silent host and a refusing one look alike here (WinRM reports both as failed): both are HostUnreachable.
                var error = CimCallFailure.From(failure == null ? 0 : (int)failure.NativeErrorCode, failure?.Message ?? "no answer", hostDisplay, "a WS-Man session");
                session.Dispose();
                throw error;
            }
            return new MmiCimGateway(session, hostDisplay, timeout);
        }

        public IReadOnlyList<CimObject> Query(string wql, string cimNamespace = CimNamespaces.Virtualization) =>
            Call($"the answer to {wql}", options => session.QueryInstances(cimNamespace, "WQL", wql, options).Select(Remember).ToList());

        public CimObject? Get(string path)
        {
            if (!byPath.TryGetValue(path, out var known)) return null;
            return Call($"the instance {path}", options =>
            {
                try
                {
                    return Remember(session.GetInstance(NamespaceOf(known), known, options));
                }
                catch (CimException gone) when (gone.NativeErrorCode == NativeErrorCode.NotFound)
                {
                    return null;
                }
            });
        }

        public CimMethodResult Invoke(CimObject target, string method, IDictionary<string, object?> inParameters)
        {
            var instance = target.Path != null && byPath.TryGetValue(target.Path, out var known) ? known
                : throw new InvalidOperationException($"{method}: the target {target.ClassName} was not read through this session.");
            return Call($"{method} on {target.ClassName}", options =>
            {
                using var parameters = new CimMethodParametersCollection();
                foreach (var parameter in inParameters.Where(p => p.Value != null))
                {
                    parameters.Add(ParameterOf(parameter.Key, parameter.Value!));
                }
                using var result = session.InvokeMethod(NamespaceOf(instance), instance, method, parameters, options);
                var outParameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var parameter in result.OutParameters)
                {
                    outParameters[parameter.Name] = ValueOf(parameter.Value);
                }
                return new CimMethodResult(Convert.ToUInt32(result.ReturnValue.Value), outParameters);
            });
        }

        public void Dispose()
        {
            foreach (var instance in byPath.Values) instance.Dispose();
            byPath.Clear();
            session.Dispose();
        }

        private T Call<T>(string what, Func<CimOperationOptions, T> operation)
        {
            using var options = new CimOperationOptions { Timeout = operationTimeout };
            try
            {
                return operation(options);
            }
            catch (CimException error)
            {
                throw CimCallFailure.From((int)error.NativeErrorCode, error.Message, hostDisplay, what);
            }
        }

        private CimMethodParameter ParameterOf(string name, object value) => value switch
        {
            CimObject reference when reference.Path != null && byPath.TryGetValue(reference.Path, out var instance) =>
                CimMethodParameter.Create(name, instance, CimType.Reference, CimFlags.In),
            // An embedded instance goes as the CIM-XML text Hyper-V's string parameters are declared to take.
            CimObject embedded => CimMethodParameter.Create(name, EmbeddedInstanceText.Serialize(embedded), CimType.String, CimFlags.In),
            byte[] bytes => CimMethodParameter.Create(name, bytes, CimType.UInt8Array, CimFlags.In),
            string[] texts => CimMethodParameter.Create(name, texts, CimType.StringArray, CimFlags.In),
            _ => CimMethodParameter.Create(name, value, CimFlags.In),
        };

        private object? ValueOf(object? value) => value switch
        {
            CimInstance instance => Remember(instance),
            CimInstance[] instances => instances.Select(Remember).ToArray(),
            _ => value,
        };

        private CimObject Remember(CimInstance instance)
        {
            var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            var keys = new List<string>();
            foreach (var property in instance.CimInstanceProperties)
            {
                properties[property.Name] = ValueOf(property.Value);
                if ((property.Flags & CimFlags.Key) != 0) keys.Add($"{property.Name}=\"{property.Value}\"");
            }
            var className = instance.CimSystemProperties.ClassName;
            var path = $"{NamespaceOf(instance)}:{className}.{string.Join(",", keys.OrderBy(k => k, StringComparer.Ordinal))}";
            byPath[path] = instance;
            return new CimObject(className, properties, path);
        }

        /// <summary>A reference returned in an out-parameter (a Job) may come without its namespace: it is Hyper-V's then.</summary>
        private static string NamespaceOf(CimInstance instance) => instance.CimSystemProperties.Namespace ?? CimNamespaces.Virtualization;

        private static CimCredential? CredentialFor(HyperVAuthentication authentication, HostCredential? credential)
        {
            if (credential == null)
            {
                // The caller's own logon; Kerberos unless asked otherwise, since Negotiate could fall back to NTLM silently.
                return authentication == HyperVAuthentication.Negotiate ? null : new CimCredential(ImpersonatedAuthenticationMechanism.Kerberos);
            }
            var mechanism = authentication switch
            {
                HyperVAuthentication.Negotiate => PasswordAuthenticationMechanism.Negotiate,
                HyperVAuthentication.Kerberos => PasswordAuthenticationMechanism.Kerberos,
                HyperVAuthentication.Basic => PasswordAuthenticationMechanism.Basic,
                _ => PasswordAuthenticationMechanism.Default,
            };
            var (domain, user) = SplitDomain(credential.UserName);
            var password = new SecureString();
            foreach (var c in credential.Password) password.AppendChar(c);
            password.MakeReadOnly();
            return new CimCredential(mechanism, domain, user, password);
        }

        /// <summary>DOMAIN\user splits; user@domain (a UPN) is passed whole.</summary>
        private static (string? Domain, string User) SplitDomain(string userName)
        {
            var slash = userName.IndexOf('\\');
            return slash > 0 ? (userName.Substring(0, slash), userName.Substring(slash + 1)) : (null, userName);
        }
    }
}
