using System;
using System.Runtime.InteropServices;
using System.Threading;
using VmMigration.Errors;
using VmMigration.Providers.Libvirt.Native;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>
    /// Opens a libvirt connection within a time limit. libvirt's open has no timeout (a silent TCP peer blocks it for
    /// minutes), so the open runs on its own thread; when we stop waiting, a connection that completes later is closed.
    /// </summary>
    internal sealed class LibvirtConnectionOpener
    {
        private static readonly int[] OfferedCredentialTypes =
        {
            LibvirtConstants.CredAuthname, LibvirtConstants.CredUsername, LibvirtConstants.CredPassphrase, LibvirtConstants.CredNoEchoPrompt,
        };

        private readonly string uri;
        private readonly HostCredential? credential;
        private readonly ManualResetEvent finished = new ManualResetEvent(false);
        private readonly object gate = new object();
        private bool abandoned;
        private ConnectionHandle? result;
        private Exception? failure;

        private LibvirtConnectionOpener(string uri, HostCredential? credential)
        {
            this.uri = uri;
            this.credential = credential;
        }

        public static ConnectionHandle Open(string uri, HostCredential? credential, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var opener = new LibvirtConnectionOpener(uri, credential);
            var worker = new Thread(opener.OpenOnWorker) { IsBackground = true, Name = "libvirt connect " + HostUri.Redact(uri) };
            worker.Start();

            var waitFor = timeout < TimeSpan.Zero || timeout > TimeSpan.FromMilliseconds(int.MaxValue) ? Timeout.InfiniteTimeSpan : timeout;
            WaitHandle.WaitAny(new[] { opener.finished, cancellationToken.WaitHandle }, waitFor);

            lock (opener.gate)
            {
                if (opener.result != null) return opener.result;
                if (opener.failure != null) throw opener.failure;
                opener.abandoned = true;
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw new MigrationException(ErrorIds.HostConnectTimeout, ErrorKind.OperationTimeout,
                $"Connecting to {HostUri.Redact(uri)} did not complete within {timeout.TotalSeconds:0.###} s. " +
                "Check that the host is up and that libvirtd answers at that address, or give a longer timeout.",
                HostUri.Redact(uri));
        }

        private void OpenOnWorker()
        {
            ConnectionHandle? handle = null;
            Exception? error = null;
            try
            {
                handle = credential == null ? LibvirtNative.virConnectOpen(uri) : OpenWithCredential();
                if (handle.IsInvalid)
                {
                    handle.Dispose();
                    handle = null;
                    // Captured here: libvirt keeps the error on this worker thread only.
                    error = LibvirtErrorMapper.Map(LibvirtError.CaptureLast(), LibvirtOperationContext.Connect, "connect to", HostUri.Redact(uri), uri, where: "");
                }
            }
            catch (Exception e)
            {
                error = e;
            }

            lock (gate)
            {
                if (abandoned)
                {
                    handle?.Dispose();
                    return;
                }
                result = handle;
                failure = error;
                finished.Set();
            }
        }

        private ConnectionHandle OpenWithCredential()
        {
            LibvirtNative.AuthCallback answer = AnswerCredentials;
            IntPtr types = Marshal.AllocHGlobal(sizeof(int) * OfferedCredentialTypes.Length);
            IntPtr auth = Marshal.AllocHGlobal(CredentialLayout.AuthSize);
            try
            {
                Marshal.Copy(OfferedCredentialTypes, 0, types, OfferedCredentialTypes.Length);
                Marshal.WriteIntPtr(auth, CredentialLayout.AuthCredentialTypesOffset, types);
                Marshal.WriteInt32(auth, CredentialLayout.AuthCredentialTypeCountOffset, OfferedCredentialTypes.Length);
                Marshal.WriteIntPtr(auth, CredentialLayout.AuthCallbackOffset, Marshal.GetFunctionPointerForDelegate(answer));
                Marshal.WriteIntPtr(auth, CredentialLayout.AuthCallbackDataOffset, IntPtr.Zero);
                return LibvirtNative.virConnectOpenAuth(uri, auth, 0);
            }
            finally
            {
                GC.KeepAlive(answer);
                Marshal.FreeHGlobal(auth);
                Marshal.FreeHGlobal(types);
            }
        }

        /// <summary>libvirt asks for each credential it needs; results must be malloc'd because libvirt frees them.</summary>
        private int AnswerCredentials(IntPtr credentials, uint count, IntPtr callbackData)
        {
            try
            {
                for (int index = 0; index < count; index++)
                {
                    var entry = credentials + index * CredentialLayout.CredentialSize;
                    string? answer;
                    switch (Marshal.ReadInt32(entry, CredentialLayout.TypeOffset))
                    {
                        case LibvirtConstants.CredAuthname:
                        case LibvirtConstants.CredUsername:
                            answer = credential!.UserName;
                            break;
                        case LibvirtConstants.CredPassphrase:
                        case LibvirtConstants.CredNoEchoPrompt:
                            answer = credential!.Password;
                            break;
                        default:
                            return -1;
                    }
                    var buffer = NativeStrings.AllocateForLibvirt(answer, out int length);
                    Marshal.WriteIntPtr(entry, CredentialLayout.ResultOffset, buffer);
                    Marshal.WriteInt32(entry, CredentialLayout.ResultLengthOffset, length);
                }
                return 0;
            }
            catch
            {
                return -1;
            }
        }
    }
}
