// Short names for the generated OpenAPI schemas (src/lib/api-types.ts, produced by `npm run gen:api`).
import type { components } from './api-types';

type Schemas = components['schemas'];

export type LoginBody = Schemas['LoginBody'];
export type LoginResponse = Schemas['LoginResponse'];
export type LoginUser = Schemas['LoginUserDto'];
export type ConversationDto = Schemas['ConversationDto'];
export type ConversationsResponse = Schemas['ConversationsResponse'];
export type RenameConversationBody = Schemas['RenameConversationBody'];
export type MessageDto = Schemas['MessageDto'];
export type MessagesResponse = Schemas['MessagesResponse'];
export type ChatResponse = Schemas['ChatTurnResponse'] & Schemas['SuccessEnvelope'];
export type ChatSource = Schemas['ChatSource'];
export type TokenBalance = Schemas['TokenBalanceResponse'];
export type AdminUser = Schemas['AdminUserDto'];
export type AdminUsersResponse = Schemas['AdminUsersResponse'];
export type AdminUserResponse = Schemas['AdminUserDto'] & Schemas['SuccessEnvelope'];
export type CreateUserBody = Schemas['CreateUserBody'];
export type UpdateUserBody = Schemas['UpdateUserBody'];
export type DeleteUserBody = Schemas['DeleteUserBody'];
export type AnalyticsResponse = Schemas['AnalyticsResponse'];
export type ProblemDetails = Schemas['ProblemDetails'];
export type SafeguardRequest = Schemas['SafeguardRequestDto'];
export type SafeguardRequestsResponse = Schemas['SafeguardListResponse'];
export type SafeguardRequestResponse = Schemas['SafeguardRequestDto'] & Schemas['SuccessEnvelope'];
export type SafeguardDecisionBody = Schemas['DecisionBody'];
export type RagDocument = Schemas['IndexedDocument'];
export type RagDocumentsResponse = Schemas['DocumentsResponse'];
export type RagIngestResponse = Schemas['IngestResponse'];
export type RagIngestError = Schemas['IngestError'];
export type RagSearchResult = Schemas['SearchResultDto'];
export type RagSearchResponse = Schemas['SearchResponse'];
