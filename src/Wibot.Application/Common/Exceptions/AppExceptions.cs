namespace Wibot.Application.Common.Exceptions;

/// <summary>The resource does not exist or is not the caller's (404, never tells which).</summary>
public sealed class NotFoundException(string resource) : Exception($"{resource} not found.")
{
    public string Resource { get; } = resource;
}

/// <summary>Authenticated but not allowed (403).</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>Credentials refused (401). The message is identical for every cause.</summary>
public sealed class AuthenticationFailedException() : Exception("Invalid username or password.");

/// <summary>Too many attempts (429 with Retry-After).</summary>
public sealed class TooManyRequestsException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The request conflicts with the current state (409).</summary>
public sealed class ConflictException : Exception
{
    public ConflictException(string message)
        : base(message)
    {
    }

    public ConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Why an attachment was refused.</summary>
public enum AttachmentRefusal
{
    /// <summary>A type WIBOT does not read, or not what its name says (415).</summary>
    Unsupported = 0,

    /// <summary>Too large, as sent or once expanded (413).</summary>
    TooLarge = 1,

    /// <summary>Of an accepted type but unreadable within the bounds: corrupt, or too slow to extract (422).</summary>
    Unprocessable = 2,
}

/// <summary>An attachment was refused: too large (413), of a type WIBOT does not read (415) or unreadable (422).</summary>
public sealed class AttachmentRejectedException(string message, AttachmentRefusal refusal) : Exception(message)
{
    public AttachmentRejectedException(string message, bool tooLarge)
        : this(message, tooLarge ? AttachmentRefusal.TooLarge : AttachmentRefusal.Unsupported)
    {
    }

    public AttachmentRefusal Refusal { get; } = refusal;

    public bool TooLarge => Refusal == AttachmentRefusal.TooLarge;
}

public enum LanguageModelFailure
{
    /// <summary>The model answered with an error or an unreadable answer (502).</summary>
    BadGateway = 0,

    /// <summary>The model is overloaded, rate limited or unreachable, even after retries (503).</summary>
    Unavailable = 1,

    /// <summary>The model did not answer in time (504).</summary>
    Timeout = 2,
}

/// <summary>The language model call failed; nothing was charged.</summary>
public sealed class LanguageModelException : Exception
{
    public LanguageModelException(LanguageModelFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    public LanguageModelFailure Failure { get; }
}

/// <summary>The configuration cannot run safely; the process refuses to start.</summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
