using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc.Formatters;

namespace Wibot.Api.Infrastructure;

/// <summary>
/// Every 2xx JSON answer carries <c>"success": true</c> as its first property (the n8n-era client
/// checks it). It is added here, at the output, to the top-level answer only: the records stay plain
/// data, and the same record serves as a whole answer and as an item of a list. No copy and no
/// extra object per request: the prefix goes to the response pipe, then the answer is serialized
/// after it with its opening brace turned into a comma.
/// </summary>
internal static class SuccessEnvelope
{
    private static readonly ConcurrentDictionary<Type, bool> Enveloped = new();

    /// <summary>
    /// Answers of WIBOT's own object types that do not say <c>success</c> themselves (the n8n-era
    /// delete answers <c>success: false</c> when nothing was deleted) and always write at least one
    /// property (so that the brace-to-comma splice always yields valid JSON).
    /// </summary>
    public static bool AppliesTo(Type type, JsonSerializerOptions options) =>
        Enveloped.GetOrAdd(type, static (t, o) =>
        {
            if (t.Namespace?.StartsWith("Wibot.", StringComparison.Ordinal) != true)
            {
                return false;
            }

            var info = o.GetTypeInfo(t);
            return info.Kind == JsonTypeInfoKind.Object
                && !info.Properties.Any(p => p.Name == "success")
                && info.Properties.Any(p => p.ShouldSerialize is null && p.Get is not null);
        }, options);

    /// <summary>Writes <paramref name="value"/> with the envelope (or as is when it does not apply) and flushes.</summary>
    public static async Task WriteAsync(HttpResponse response, object value, Type type, JsonSerializerOptions options, CancellationToken ct)
    {
        response.ContentType ??= "application/json; charset=utf-8";
        Write(response.BodyWriter, value, type, options);
        await response.BodyWriter.FlushAsync(ct);
    }

    private static void Write(IBufferWriter<byte> body, object value, Type type, JsonSerializerOptions options)
    {
        if (!AppliesTo(type, options))
        {
            using var plain = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
            JsonSerializer.Serialize(plain, value, type, options);
            return;
        }

        body.Write("{\"success\":true"u8);
        using var writer = new Utf8JsonWriter(new OpeningBraceToComma(body), new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
        JsonSerializer.Serialize(writer, value, type, options);
    }

    /// <summary>Passes bytes through, except that the first one written (the object's <c>{</c>) becomes <c>,</c>.</summary>
    private sealed class OpeningBraceToComma(IBufferWriter<byte> inner) : IBufferWriter<byte>
    {
        private Memory<byte> _last;
        private bool _spliced;

        public void Advance(int count)
        {
            if (!_spliced && count > 0)
            {
                var span = _last.Span;
                if (span[0] != (byte)'{')
                {
                    throw new InvalidOperationException("The enveloped answer is not a JSON object.");
                }

                span[0] = (byte)',';
                _spliced = true;
            }

            inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            _last = inner.GetMemory(sizeHint);
            return _last.Span;
        }
    }

    /// <summary>The MVC JSON output (in place of the default one): controllers' answers get the envelope here.</summary>
    public sealed class Formatter : TextOutputFormatter
    {
        private readonly JsonSerializerOptions _options;

        public Formatter(JsonSerializerOptions options)
        {
            _options = options;
            SupportedEncodings.Add(Encoding.UTF8);
            SupportedMediaTypes.Add("application/json");
            SupportedMediaTypes.Add("text/json");
            SupportedMediaTypes.Add("application/*+json");
        }

        public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
        {
            ArgumentNullException.ThrowIfNull(context);
            var response = context.HttpContext.Response;
            var type = context.Object?.GetType() ?? context.ObjectType ?? typeof(object);
            if (context.Object is null || response.StatusCode is < 200 or > 299)
            {
                using var plain = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = _options.Encoder, SkipValidation = true });
                JsonSerializer.Serialize(plain, context.Object, type, _options);
            }
            else
            {
                Write(response.BodyWriter, context.Object, type, _options);
            }

            await response.BodyWriter.FlushAsync(context.HttpContext.RequestAborted);
        }
    }
}
