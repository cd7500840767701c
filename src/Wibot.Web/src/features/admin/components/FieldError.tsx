import type { FieldErrors } from '../../../lib/api-client';

/** Messages of one field from a problem's `errors` (keys compared case-insensitively). */
export function fieldMessages(errors: FieldErrors, field: string): string[] {
  const wanted = field.toLowerCase().replace(/_/g, '');
  return Object.entries(errors)
    .filter(([key]) => key.toLowerCase().replace(/_/g, '') === wanted)
    .flatMap(([, messages]) => messages);
}

export function FieldError({ errors, field, id }: { errors: FieldErrors; field: string; id: string }) {
  const messages = fieldMessages(errors, field);
  if (messages.length === 0) return null;
  return (
    <span className="field__error" id={id}>
      {messages.join(' ')}
    </span>
  );
}
