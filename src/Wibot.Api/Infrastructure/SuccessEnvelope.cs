using System.Text.Json.Serialization.Metadata;

namespace Wibot.Api.Infrastructure;

/// <summary>
/// Every 2xx JSON answer carries <c>"success": true</c> (the n8n-era client checks it). Response
/// records are named <c>…Response</c>; this resolver adds the property to them when serialized.
/// </summary>
internal static class SuccessEnvelope
{
    public static IJsonTypeInfoResolver CreateResolver()
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(AddSuccess);
        return resolver;
    }

    private static void AddSuccess(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object
            || !info.Type.Name.EndsWith("Response", StringComparison.Ordinal)
            || info.Type.Namespace?.StartsWith("Wibot.", StringComparison.Ordinal) != true
            || info.Properties.Any(p => p.Name == "success"))
        {
            return;
        }

        var success = info.CreateJsonPropertyInfo(typeof(bool), "success");
        success.Get = static _ => true;
        info.Properties.Insert(0, success);
    }
}
