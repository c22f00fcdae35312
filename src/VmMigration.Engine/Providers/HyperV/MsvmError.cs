using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// One Msvm_Error (a CIM_Error) as Hyper-V returns it in a method's out-parameter (Reasons, Errors): an embedded instance,
    /// as CIM-XML text or, through MMI, as an instance. Message is the host's own sentence; MessageID names the error.
    /// </summary>
    public sealed class MsvmError
    {
        private MsvmError(string message, string messageId)
        {
            Message = message;
            MessageId = messageId;
        }

        public string Message { get; }
        public string MessageId { get; }

        /// <summary>Every Msvm_Error in an out-parameter's value (an array of embedded instances); none for null.</summary>
        public static IReadOnlyList<MsvmError> AllIn(object? value)
        {
            var items = value is string || value is CimObject ? new[] { value } : (value as IEnumerable)?.Cast<object?>() ?? Enumerable.Empty<object?>();
            return items.Select(item => item is string text ? EmbeddedInstanceText.Parse(text) : item as CimObject)
                .Where(instance => instance != null)
                .Select(instance => new MsvmError(
                    (instance!["Message"] as string)?.Trim() ?? "(no message)",
                    instance["MessageID"] as string ?? ""))
                .ToList();
        }

        public override string ToString() => MessageId.Length > 0 ? $"{Message} ({MessageId})" : Message;
    }
}
