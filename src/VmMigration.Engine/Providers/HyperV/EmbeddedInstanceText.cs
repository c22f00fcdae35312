using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace VmMigration.Providers.HyperV
{
    /// <summary>
    /// The CIM-XML (DTD 2.0) text of embedded instances: written for the setting data Hyper-V's methods take in their
    /// EmbeddedInstance string parameters (MigrationSettingData, NewResourceSettingData), read for the Msvm_Error instances they
    /// return (Reasons, Errors): INSTANCE / PROPERTY / PROPERTY.ARRAY with VALUE elements.
    /// </summary>
    public static class EmbeddedInstanceText
    {
        public static string Serialize(CimObject instance)
        {
            var text = new StringBuilder();
            text.Append("<INSTANCE CLASSNAME=\"").Append(Escape(instance.ClassName)).Append("\">");
            foreach (var property in instance.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (property.Value is IEnumerable values && !(property.Value is string))
                {
                    var items = values.Cast<object?>().ToList();
                    text.Append("<PROPERTY.ARRAY NAME=\"").Append(Escape(property.Key)).Append("\" TYPE=\"").Append(CimType(items.FirstOrDefault() ?? "")).Append("\"><VALUE.ARRAY>");
                    foreach (var item in items)
                    {
                        text.Append("<VALUE>").Append(Escape(Format(item))).Append("</VALUE>");
                    }
                    text.Append("</VALUE.ARRAY></PROPERTY.ARRAY>");
                }
                else
                {
                    text.Append("<PROPERTY NAME=\"").Append(Escape(property.Key)).Append("\" TYPE=\"").Append(CimType(property.Value)).Append("\">");
                    if (property.Value != null)
                    {
                        text.Append("<VALUE>").Append(Escape(Format(property.Value))).Append("</VALUE>");
                    }
                    text.Append("</PROPERTY>");
                }
            }
            return text.Append("</INSTANCE>").ToString();
        }

        /// <summary>
        /// Reads an embedded instance that Hyper-V returned as CIM-XML text (an Msvm_Error in Reasons or Errors): class name and
        /// properties, each value as its text (an array as string[]); null when the text is no INSTANCE.
        /// </summary>
        public static CimObject? Parse(string text)
        {
            XElement instance;
            try
            {
                instance = XElement.Parse(text);
            }
            catch (XmlException)
            {
                return null;
            }
            if (instance.Name.LocalName != "INSTANCE") return null;
            var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in instance.Elements())
            {
                var name = (string?)property.Attribute("NAME");
                if (name == null) continue;
                properties[name] = property.Name.LocalName == "PROPERTY.ARRAY"
                    ? property.Descendants("VALUE").Select(v => v.Value).ToArray()
                    : (object?)property.Element("VALUE")?.Value;
            }
            return new CimObject((string?)instance.Attribute("CLASSNAME") ?? "", properties);
        }

        private static string CimType(object? value) => value switch
        {
            bool _ => "boolean",
            ushort _ => "uint16",
            uint _ => "uint32",
            ulong _ => "uint64",
            int _ => "sint32",
            long _ => "sint64",
            _ => "string",
        };

        private static string Format(object? value) => value switch
        {
            null => "",
            bool b => b ? "TRUE" : "FALSE",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
    }
}
