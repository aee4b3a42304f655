/** Model names the stand-in lists when none are configured. */
export const DEFAULT_MODELS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
  'gpt-4.1-mini',
  'gpt-4o-mini',
];

const CREATED_AT = '2025-01-01T00:00:00Z';

export function anthropicModelList(models: readonly string[]): unknown {
  return {
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: CREATED_AT })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  };
}

export function openAiModelList(models: readonly string[]): unknown {
  const created = Math.floor(Date.parse(CREATED_AT) / 1000);
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'llm-stand-in' })) };
}
