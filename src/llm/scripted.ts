/**
 * Scripted models: the LLM stand-in answering from a fixed script instead of a language model.
 * Their names start with `scripted-`; the name is recorded wherever a model's is (budget rows,
 * fix results, PR disclosures), and every place that shows a model to people describes it here.
 */
export const SCRIPTED_DEMO_MODEL = 'scripted-demo';

const SCRIPTED_PREFIX = 'scripted-';

export function isScriptedModel(model: string): boolean {
  return model.startsWith(SCRIPTED_PREFIX);
}

/** The sentence a PR, a report or a console line carries when the model was scripted (null otherwise). */
export function scriptedModelNote(model: string): string | null {
  return isScriptedModel(model)
    ? `The model was a scripted stand-in (${model}): fixed answers written for GlobaLLM's demo, no language model was called.`
    : null;
}

/** A model's name as shown to people: a scripted one says so. */
export function describeModel(model: string): string {
  return isScriptedModel(model) ? `${model} (scripted stand-in, not a language model)` : model;
}
