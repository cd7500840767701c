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
