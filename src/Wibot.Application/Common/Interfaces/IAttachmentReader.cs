namespace Wibot.Application.Common.Interfaces;

/// <summary>A file sent with a chat message.</summary>
public sealed record ChatAttachment(string FileName, string? ContentType, ReadOnlyMemory<byte> Content)
{
    public override string ToString() => $"ChatAttachment {{ FileName = {FileName}, Bytes = {Content.Length} }}";
}

/// <summary>The text of an attachment, ready for the model.</summary>
public sealed record AttachmentText(string FileName, string MediaType, string Text, bool Truncated);

/// <summary>Turns accepted files (text, code, PDF, DOCX) into text; refuses the others.</summary>
public interface IAttachmentReader
{
    /// <summary>Largest accepted file, in bytes.</summary>
    long MaxBytes { get; }

    /// <exception cref="Exceptions.AttachmentRejectedException">Type refused (415) or too large (413).</exception>
    AttachmentText Read(ChatAttachment attachment);
}
