import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes operators filter on in the Web UI, e.g.
 * `GlobaLLMStage = 'validate'`. SQL visibility allows about 10 Keyword and 3 Double
 * attributes, so the set stays small: five keywords and one double.
 */
export const SA = {
  repo: defineSearchAttributeKey('GlobaLLMRepo', SearchAttributeType.KEYWORD),
  language: defineSearchAttributeKey('GlobaLLMLanguage', SearchAttributeType.KEYWORD),
  stage: defineSearchAttributeKey('GlobaLLMStage', SearchAttributeType.KEYWORD),
  campaign: defineSearchAttributeKey('GlobaLLMCampaign', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('GlobaLLMCategory', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('GlobaLLMPriority', SearchAttributeType.DOUBLE),
} as const;

/** Name → CLI type, as `temporal server start-dev --search-attribute` takes them. */
export const SEARCH_ATTRIBUTE_TYPES: Record<string, 'Keyword' | 'Double'> = Object.fromEntries(
  Object.values(SA).map((k) => [k.name, k.type === SearchAttributeType.DOUBLE ? 'Double' : 'Keyword']),
);
