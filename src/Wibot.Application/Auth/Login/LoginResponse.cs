namespace Wibot.Application.Auth.Login;

public sealed record LoginUserDto(int Id, string Username, string? Email, string Role, string AccreditationLevel);

public sealed record LoginResponse(string Token, DateTimeOffset ExpiresAt, LoginUserDto User);
