using System;
using System.Collections.Generic;
using System.Linq;
using VmMigration.Errors;

namespace VmMigration.Providers.Libvirt
{
    /// <summary>A libvirt call failed: the stable id and kind, plus libvirt's own error code, domain and message.</summary>
    public sealed class LibvirtException : MigrationException
    {
        public LibvirtException(string errorId, ErrorKind kind, string message, string? target,
            int libvirtCode, int libvirtDomain, string libvirtMessage, Exception? inner = null, bool saysWhereVmRuns = false)
            : base(errorId, kind, message, target, inner, saysWhereVmRuns)
        {
            LibvirtCode = libvirtCode;
            LibvirtDomain = libvirtDomain;
            LibvirtMessage = libvirtMessage;
        }

        /// <summary>virErrorNumber, e.g. 42 = VIR_ERR_NO_DOMAIN.</summary>
        public int LibvirtCode { get; }

        /// <summary>virErrorDomain: the part of libvirt that raised it.</summary>
        public int LibvirtDomain { get; }

        public string LibvirtMessage { get; }

        internal override IEnumerable<string?> Texts => base.Texts.Concat(new[] { LibvirtMessage });

        internal override MigrationException Redacted(Func<string, string> redact, Exception? inner) =>
            new LibvirtException(ErrorId, Kind, redact(Message), Target == null ? null : redact(Target), LibvirtCode, LibvirtDomain, redact(LibvirtMessage), inner, SaysWhereVmRuns);
    }
}
