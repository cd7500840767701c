import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch, type FieldErrors } from '@/lib/api-client';
import type { components } from '@/lib/api-types';

type Schemas = components['schemas'];

// Written from the contract (tools.md): stricter than the generated ToolServerDto / ToolDto of
// src/lib/api-types.ts, which mark every field optional; the assignability check below keeps them in step.

export const TOOL_LEVELS = ['L0', 'L1', 'L2', 'L3', 'L4'] as const;
export type ToolLevel = (typeof TOOL_LEVELS)[number];

/** A tool of a server: WIBOT's level and flag, the server's description and (untrusted) MCP hints. */
export interface Tool {
  name: string;
  title: string | null;
  description: string | null;
  level: ToolLevel;
  enabled: boolean;
  annotations: Record<string, unknown> | null;
}

/** A registered MCP tool server; header values are secrets the API never returns, only their names. */
export interface ToolServer {
  server_id: string;
  name: string;
  url: string;
  enabled: boolean;
  status: 'ok' | 'unreachable';
  error: string | null;
  created_at: string;
  header_names: string[];
  tools: Tool[];
}

/** Fails to compile when the API's generated schema and these types drift apart. */
type GeneratedToolServerMatches = ToolServer extends Schemas['ToolServerDto'] ? (Tool extends Schemas['ToolDto'] ? true : never) : never;
export const TOOL_TYPES_MATCH_THE_API: GeneratedToolServerMatches = true;

export interface ToolServersResponse {
  success?: boolean;
  servers: ToolServer[];
}

export type ToolServerResponse = ToolServer & { success?: boolean };
export type ToolResponse = Tool & { success?: boolean };

export interface RegisterToolServerBody {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

/** Headers replace all the server's headers (`{}` removes them); a new URL or new headers are listed again. */
export interface UpdateToolServerBody {
  url?: string;
  headers?: Record<string, string>;
  enabled?: boolean;
}

export interface ClassifyToolBody {
  level?: ToolLevel;
  enabled?: boolean;
}

/** What each level means for a call of the tool (shown in the legend and in the level select). */
export const LEVEL_LABELS: Record<ToolLevel, string> = {
  L0: 'L0 — sans approbation',
  L1: 'L1 — approbation N1',
  L2: 'L2 — approbation N2',
  L3: 'L3 — approbation N3',
  L4: 'L4 — approbation N4',
};

/** The server's name rule (letters, digits, `-`, `_`, at most 64), also checked before sending. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** An absolute http(s) URL, as the API requires. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** French wording of the API's refusals (its own messages are English). */
export const MESSAGES = {
  name: 'Nom invalide : de 1 à 64 lettres (sans accent), chiffres, « - » ou « _ », sans espace.',
  url: 'URL invalide : une adresse complète en http:// ou https://.',
  headers:
    'En-têtes refusés : 20 au plus, noms au format HTTP (WIBOT pose lui-même Host, Content-*, Accept et Mcp-*), valeurs de 4 096 caractères au plus.',
  invalid: 'Certains champs sont invalides : corrigez-les puis réessayez.',
  conflict: 'Un serveur porte déjà ce nom : choisissez-en un autre.',
  serverNotFound: "Ce serveur n'existe plus (supprimé entre-temps ?). La liste a été relue.",
  toolNotFound: "Cet outil n'existe plus sur ce serveur. La liste a été relue.",
  toolInvalid: 'Niveau refusé : choisissez L0, L1, L2, L3 ou L4.',
} as const;

const BASE = '/webhook/wibot/admin/mcp-servers';
const serverPath = (serverId: string) => `${BASE}/${encodeURIComponent(serverId)}`;

export const toolKeys = {
  all: ['tools'] as const,
  servers: () => [...toolKeys.all, 'servers'] as const,
};

export async function listToolServers(signal?: AbortSignal): Promise<ToolServer[]> {
  const answer = await apiFetch<ToolServersResponse>(BASE, { signal });
  return answer?.servers ?? [];
}

/** Registers a server; WIBOT lists its tools at once (an unreachable server is saved with `status: "unreachable"`). */
export function registerToolServer(body: RegisterToolServerBody): Promise<ToolServerResponse> {
  return apiFetch<ToolServerResponse>(BASE, { method: 'POST', body });
}

export function updateToolServer({ serverId, body }: { serverId: string; body: UpdateToolServerBody }): Promise<ToolServerResponse> {
  return apiFetch<ToolServerResponse>(serverPath(serverId), { method: 'PUT', body });
}

/** Lists the server's tools again: new ones come in at L4, the levels already set are kept. */
export function refreshToolServer(serverId: string): Promise<ToolServerResponse> {
  return apiFetch<ToolServerResponse>(`${serverPath(serverId)}/refresh`, { method: 'POST' });
}

export function deleteToolServer(serverId: string): Promise<void> {
  return apiFetch<void>(serverPath(serverId), { method: 'DELETE' });
}

export interface ClassifyToolVariables {
  serverId: string;
  tool: string;
  body: ClassifyToolBody;
}

export function classifyTool({ serverId, tool, body }: ClassifyToolVariables): Promise<ToolResponse> {
  return apiFetch<ToolResponse>(`${serverPath(serverId)}/tools/${encodeURIComponent(tool)}`, { method: 'PUT', body });
}

/** The API's answers carry `success: true`; the cache keeps the bare DTO. */
function withoutEnvelope<T extends { success?: boolean }>(answer: T): Omit<T, 'success'> {
  const { success: _success, ...rest } = answer;
  return rest;
}

/** The cached list with one server added or replaced (kept in name order, as the API sorts it). */
export function upsertServer(list: ToolServer[] | undefined, server: ToolServer): ToolServer[] {
  const others = (list ?? []).filter((s) => s.server_id !== server.server_id);
  return [...others, server].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function patchTool(list: ToolServer[] | undefined, serverId: string, toolName: string, patch: Partial<Tool>): ToolServer[] | undefined {
  return list?.map((server) =>
    server.server_id !== serverId
      ? server
      : { ...server, tools: server.tools.map((tool) => (tool.name === toolName ? { ...tool, ...patch } : tool)) },
  );
}

/** Whether a problem's `errors` name this field (keys compared case-insensitively, snake or camel case). */
export function hasFieldError(errors: FieldErrors, field: string): boolean {
  const wanted = field.toLowerCase().replace(/_/g, '');
  return Object.entries(errors).some(([key, messages]) => key.toLowerCase().replace(/_/g, '') === wanted && messages.length > 0);
}

export const toolServersQueryOptions = () =>
  queryOptions({
    queryKey: toolKeys.servers(),
    queryFn: ({ signal }) => listToolServers(signal),
  });

export function useToolServers() {
  return useQuery(toolServersQueryOptions());
}

/**
 * A server change: the answer (the whole server, tools included) goes into the cached list at once,
 * then the list is read again (another admin may have changed it too).
 */
function useServerMutation<T>(mutationFn: (value: T) => Promise<ToolServerResponse>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (answer) => {
      queryClient.setQueryData<ToolServer[]>(toolKeys.servers(), (list) => upsertServer(list, withoutEnvelope(answer)));
      return queryClient.invalidateQueries({ queryKey: toolKeys.servers() });
    },
    // A 404 (deleted elsewhere) or a 409 (a name taken meanwhile) means our copy is old.
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) {
        return queryClient.invalidateQueries({ queryKey: toolKeys.servers() });
      }
    },
  });
}

export const useRegisterToolServer = () => useServerMutation(registerToolServer);
export const useUpdateToolServer = () => useServerMutation(updateToolServer);
export const useRefreshToolServer = () => useServerMutation(refreshToolServer);

export function useDeleteToolServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteToolServer,
    onSuccess: (_answer, serverId) => {
      queryClient.setQueryData<ToolServer[]>(toolKeys.servers(), (list) => list?.filter((s) => s.server_id !== serverId));
      return queryClient.invalidateQueries({ queryKey: toolKeys.servers() });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 404) return queryClient.invalidateQueries({ queryKey: toolKeys.servers() });
    },
  });
}

/**
 * A tool's level or flag, saved at once and shown at once (optimistic): a refusal puts back what the
 * tool had before this change only (another tool changed meanwhile keeps its new value).
 */
export function useClassifyTool() {
  const queryClient = useQueryClient();
  const key = toolKeys.servers();
  return useMutation({
    mutationFn: classifyTool,
    onMutate: async ({ serverId, tool, body }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient
        .getQueryData<ToolServer[]>(key)
        ?.find((s) => s.server_id === serverId)
        ?.tools.find((t) => t.name === tool);
      queryClient.setQueryData<ToolServer[]>(key, (list) => patchTool(list, serverId, tool, body));
      const previous: Partial<Tool> = {};
      if (before && body.level !== undefined) previous.level = before.level;
      if (before && body.enabled !== undefined) previous.enabled = before.enabled;
      return { previous };
    },
    onSuccess: (answer, { serverId, tool }) => {
      queryClient.setQueryData<ToolServer[]>(key, (list) => patchTool(list, serverId, tool, withoutEnvelope(answer)));
    },
    onError: (_error, { serverId, tool }, context) => {
      if (context) queryClient.setQueryData<ToolServer[]>(key, (list) => patchTool(list, serverId, tool, context.previous));
      // A 404 (tool or server removed elsewhere) means our copy is old.
      return queryClient.invalidateQueries({ queryKey: key });
    },
  });
}
